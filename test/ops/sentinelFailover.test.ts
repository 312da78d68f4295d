// Redis in production: REDIS_URL names a Sentinel deployment (a primary, a replica, one sentinel, all real
// processes on 127.0.0.1). Sentinel fails the primary over while a migration's step runs; hikkoshi's own
// connections and BullMQ's find the new primary through Sentinel, the migration completes and no effect
// happens twice. Start-up still warns about persistence through Sentinel; Redis Cluster is refused.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/jobs/engine.js";
import { createLogger } from "../../src/observability/logger.js";
import { RedisClusterUnsupported } from "../../src/store/redisConnection.js";
import { expectCompletedOnce } from "../support/completedOnce.js";
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { freePort, type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";
import { waitFor } from "../support/waitFor.js";
import { type SentinelSet, startSentinelSet } from "./redisSentinelSet.js";

let set: SentinelSet;
let worldRedis: RedisServerHandle;
const alice = { userId: "U0ALICE001" };
const bob = { userId: "U0BOB00001" };

beforeAll(async () => {
  // The replica runs without persistence, so once it is primary the start-up warning has something to say.
  set = await startSentinelSet({ replicaPersistence: false });
  // The test world (what the steps change, and how often) lives apart, so the failover cannot touch it.
  worldRedis = await startRedisServer();
}, 60_000);
afterAll(async () => {
  await set?.stop();
  await worldRedis?.stop();
});

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    level: "warn",
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    }),
  });
  return { logger, lines };
}

describe("Redis Sentinel", () => {
  it("a failover during a running step: the migration completes on the new primary, every effect once", async () => {
    const ports = createTestPorts({ redisUrl: worldRedis.url, opDelayMs: 800, opDelayAfterMs: 400 });
    await ports.world.init("production-20251101");
    let engine: Engine | undefined;
    try {
      engine = await startTestEngine(set.url, testConfig(), ports);
      expect(await set.currentPrimary()).toBe(set.primaryPort);
      const started = await engine.commands.start("production", alice);
      if (!started.ok) throw new Error(started.rejection.message);
      const id = started.value.id;
      await waitFor(
        async () =>
          (await engine!.store.get(id))?.steps.find((s) => s.id === "backup")?.status.state === "running",
        "backup to run",
      );
      await set.failover();

      await waitForGate(engine, id, "gate-cutover", 60_000);
      await engine.commands.approve({ env: "production" }, bob);
      await waitForGate(engine, id, "gate-decommission", 60_000);
      await engine.commands.approve({ env: "production" }, bob);
      const done = await waitForStatus(engine, id, "completed", 60_000);
      await expectCompletedOnce(done, ports.world);

      // The record lives on the former replica, now primary; the old primary follows it.
      const promoted = new Redis({ host: "127.0.0.1", port: set.replicaPort });
      const demoted = new Redis({ host: "127.0.0.1", port: set.primaryPort });
      try {
        expect(await promoted.info("replication")).toMatch(/^role:master/m);
        await waitFor(
          async () => /^role:slave/m.test(await demoted.info("replication")),
          "old primary to follow",
        );
        expect(await promoted.keys(`*${id}*`)).not.toEqual([]);
      } finally {
        promoted.disconnect();
        demoted.disconnect();
      }
      const audit = await engine.commands.auditSince(id, "0");
      expect(audit.filter((e) => e.action === "approve")).toHaveLength(2);
    } finally {
      await engine?.close();
      ports.close();
    }
  }, 180_000);

  it("start-up through Sentinel still warns about the primary's persistence", async () => {
    // After the failover above, Sentinel names the replica, which runs without AOF or snapshots.
    const { logger, lines } = capturingLogger();
    const ports = createTestPorts({ redisUrl: worldRedis.url });
    const engine = await createEngine({ redisUrl: set.url, config: testConfig(), ports, logger });
    try {
      expect(await set.currentPrimary()).toBe(set.replicaPort);
      expect(lines.join("\n")).toMatch(/Redis has no persistence \(appendonly no, no save points\)/);
    } finally {
      await engine.close();
      ports.close();
    }
  });
});

describe("Redis Cluster", () => {
  it("is refused at start-up with the reason and what to use instead", async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "hikkoshi-cluster-"));
    const node = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes", "--save", ""],
      { stdio: "ignore" },
    );
    try {
      await waitFor(async () => {
        const r = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null });
        r.on("error", () => {});
        try {
          await r.connect();
          return (await r.ping()) === "PONG";
        } finally {
          r.disconnect();
        }
      }, "cluster node");
      const ports = createTestPorts({ redisUrl: worldRedis.url });
      const attempt = createEngine({ redisUrl: `redis://127.0.0.1:${port}`, config: testConfig(), ports });
      await expect(attempt).rejects.toBeInstanceOf(RedisClusterUnsupported);
      await expect(attempt).rejects.toThrow(
        /Redis Cluster is not supported: .*Sentinel \(redis\+sentinel:\/\/\.\.\.\)/,
      );
      ports.close();
    } finally {
      const exited = new Promise<void>((r) => node.once("exit", () => r()));
      node.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
