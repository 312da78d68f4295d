// What a Redis failover can lose: the old primary's last writes, while another connection already wrote
// to the new one. Here the record's last commits are lost (the record is put back as it was while the
// backup ran) but the step jobs' ends were kept, so their ids would deduplicate every re-enqueue. The
// reconciler sees the record behind its completed job, releases the job, and the migration carries on:
// each step runs again, converges on the world as it is, and changes nothing twice.

import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { keys } from "../../src/store/keys.js";
import { expectEveryEffectOnce } from "../support/completedOnce.js";
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";
import { waitFor } from "../support/waitFor.js";

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});

it("a record behind its completed step jobs (lost commits) is caught up, every effect once", async () => {
  const ports = createTestPorts({ redisUrl: redis.url, opDelayMs: 300 });
  await ports.world.init("production-20251101");
  const raw = new Redis(redis.url);
  let engine = await startTestEngine(redis.url, testConfig(), ports);
  try {
    const started = await engine.commands.start("production", { userId: "U0ALICE001" });
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    const key = keys.migration(id);
    // The record as it was while the backup ran: what a replica may still hold when it is promoted.
    const behind = await waitFor(async () => {
      const h = await raw.hmget(key, "json", "version");
      const m = h[0]
        ? (JSON.parse(h[0]) as { steps: Array<{ id: string; status: { state: string } }> })
        : undefined;
      return m?.steps.find((s) => s.id === "backup")?.status.state === "running" ? h : undefined;
    }, "backup to run");
    await waitForGate(engine, id, "gate-cutover", 60_000);
    await engine.close();

    await raw.hset(key, { json: behind[0]!, version: behind[1]! });
    expect((await ports.world.effects()).restore).toBe(1);

    engine = await startTestEngine(redis.url, testConfig(), ports);
    await waitForGate(engine, id, "gate-cutover", 60_000);
    await engine.commands.approve({ env: "production" }, { userId: "U0BOB00001" });
    await waitForGate(engine, id, "gate-decommission", 60_000);
    await engine.commands.approve({ env: "production" }, { userId: "U0BOB00001" });
    await waitForStatus(engine, id, "completed", 60_000);
    await expectEveryEffectOnce(ports.world);
  } finally {
    await engine.close();
    raw.disconnect();
    ports.close();
  }
}, 180_000);
