// Hooks shared by the tests that run workers as child processes against one redis-server with AOF on:
// the server starts once per file and is flushed before each test; after each test the children are
// killed and the engine closed, so a failed test cannot leave a worker running into the next one.

import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { Engine } from "../../src/jobs/engine.js";
import { killHard } from "./childWorker.js";
import { type RedisServerHandle, startRedisServer } from "./redisServer.js";

export interface ChildWorkerSuite {
  /** The file's redis-server (started in beforeAll). */
  readonly redis: RedisServerHandle;
  /** The worker processes a test started; killed after each test. */
  readonly children: ChildProcess[];
  /** The test's in-process engine; closed after each test. Reading it before a test set it throws. */
  engine: Engine;
}

export function childWorkerSuite(): ChildWorkerSuite {
  let redis: RedisServerHandle | undefined;
  let engine: Engine | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer({ aof: true });
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    const c = new Redis(redis!.url);
    await c.flushall();
    c.disconnect();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await killHard(c);
    await engine?.close();
    engine = undefined;
  });
  return {
    get redis() {
      if (!redis) throw new Error("redis-server is not started (used outside a test?)");
      return redis;
    },
    children,
    get engine() {
      if (!engine) throw new Error("no engine: the test has not started one");
      return engine;
    },
    set engine(started: Engine) {
      engine = started;
    },
  };
}
