// Hooks shared by the tests that run workers as child processes against one redis-server with AOF on:
// the server starts once per file and is flushed before each test; after each test the children are
// killed and the engine closed.

import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { killHard } from "./childWorker.js";
import { type RedisServerHandle, startRedisServer } from "./redisServer.js";

export interface ChildWorkerSuite {
  /** The file's redis-server (started in beforeAll). */
  readonly redis: RedisServerHandle;
}

export function childWorkerSuite(opts: {
  children: ChildProcess[];
  closeEngine: () => Promise<void>;
}): ChildWorkerSuite {
  let redis: RedisServerHandle | undefined;
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
    for (const c of opts.children.splice(0)) await killHard(c);
    await opts.closeEngine();
  });
  return {
    get redis() {
      if (!redis) throw new Error("redis-server is not started (used outside a test?)");
      return redis;
    },
  };
}
