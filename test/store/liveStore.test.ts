// The bot's Slack bookkeeping on a real redis-server: the lease, the message reference, the rendered
// version read back, refusal counts, and the audit caps.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Migration } from "../../src/migration/types.js";
import type { RedisLiveStore } from "../../src/store/liveStore.js";
import { ENV_AUDIT_CAP, MIGRATION_DENIALS_CAP, MigrationStore } from "../../src/store/migrationStore.js";
import { migrationAt, T0 } from "../bot/fixtures.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { waitFor } from "../support/waitFor.js";

let redis: RedisServerHandle;
let client: Redis;
let store: MigrationStore;
let live: RedisLiveStore;
let m: Migration;
beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
  store = new MigrationStore(client, 30);
  live = store.liveStore();
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});
beforeEach(async () => {
  await client.flushall();
  const draft = migrationAt(1, { state: "running", startedAt: T0, run: 1 });
  const created = await store.create(draft, {
    actor: "U0ALICE001",
    action: "start",
    outcome: "ok",
    detail: "started",
  });
  if (!created.ok) throw new Error("not created");
  m = created.migration;
});

describe("live store", () => {
  it("lease: one holder; the holder renews; another is told who and for how long; release hands over", async () => {
    expect(await live.acquireLease(m.id, "a", 5000)).toEqual({ owner: "a", ttlMs: 5000 });
    const other = await live.acquireLease(m.id, "b", 5000);
    expect(other.owner).toBe("a");
    expect(other.ttlMs).toBeGreaterThan(0);
    expect(other.ttlMs).toBeLessThanOrEqual(5000);
    expect((await live.acquireLease(m.id, "a", 5000)).owner).toBe("a");
    await live.releaseLease(m.id, "b"); // not b's to release
    expect((await live.acquireLease(m.id, "b", 5000)).owner).toBe("a");
    await live.releaseLease(m.id, "a");
    expect((await live.acquireLease(m.id, "b", 5000)).owner).toBe("b");
  });

  it("lease: an owner that stops renewing loses it when it expires", async () => {
    await live.acquireLease(m.id, "a", 200);
    const taken = await waitFor(
      async () => (await live.acquireLease(m.id, "b", 5000)).owner === "b",
      "expiry",
      10_000,
    );
    expect(taken).toBe(true);
    expect((await live.acquireLease(m.id, "a", 5000)).owner).toBe("b");
  });

  it("message reference: the first claim wins; the rendered version and cursor are read back, by the bot and in the record", async () => {
    expect(await live.claimRef(m.id, { channel: "C1", ts: "1.1" })).toEqual({ channel: "C1", ts: "1.1" });
    expect(await live.claimRef(m.id, { channel: "C1", ts: "2.2" })).toEqual({ channel: "C1", ts: "1.1" });
    await live.setRenderedVersion(m.id, 7);
    await live.setThreadCursor(m.id, "1-0");
    expect(await live.read(m.id)).toEqual({
      ref: { channel: "C1", ts: "1.1" },
      threadCursor: "1-0",
      renderedVersion: 7,
      reportPosted: false,
    });
    expect((await store.get(m.id))?.slack).toEqual({
      channel: "C1",
      ts: "1.1",
      threadCursor: "1-0",
      renderedVersion: 7,
    });
    await live.markReportPosted(m.id);
    expect((await live.read(m.id)).reportPosted).toBe(true);
    // Bookkeeping never bumps the record's version.
    expect((await store.get(m.id))?.version).toBe(m.version);
  });

  it("no reference is recorded for a migration that does not exist (expired by retention)", async () => {
    expect(await live.claimRef("production-19990101-1", { channel: "C1", ts: "1.1" })).toEqual({
      channel: "C1",
      ts: "1.1",
    });
    expect(await client.exists("hikkoshi:mig:production-19990101-1")).toBe(0);
  });

  it("refusals: counted once per audit entry, with the reply that shows them", async () => {
    expect(await live.noteRefusal(m.id, "U0MALLORY1|approve|gate", "1-0")).toEqual({ count: 1 });
    await live.setRefusalLine(m.id, "U0MALLORY1|approve|gate", "9.9");
    expect(await live.noteRefusal(m.id, "U0MALLORY1|approve|gate", "1-0")).toEqual({
      count: 1,
      lineTs: "9.9",
    });
    expect(await live.noteRefusal(m.id, "U0MALLORY1|approve|gate", "2-0")).toEqual({
      count: 2,
      lineTs: "9.9",
    });
    expect(await live.noteRefusal(m.id, "U0MALLORY1|rollback|gate", "3-0")).toEqual({ count: 1 });
  });

  it("request claims: once per key within the window", async () => {
    expect(await live.claimRequestOnce("trigger-1", 60)).toBe(true);
    expect(await live.claimRequestOnce("trigger-1", 60)).toBe(false);
  });
});

describe("audit caps", () => {
  it("a migration keeps its first refusals and counts the rest; what the engine records is never dropped", async () => {
    const denied = { actor: "U0MALLORY1", action: "approve", outcome: "denied" as const, detail: "no" };
    const extra = 25;
    for (let i = 0; i < MIGRATION_DENIALS_CAP + extra; i++) await store.audit(m.id, denied, T0 + i);
    await store.audit(m.id, { actor: "system", action: "step", outcome: "info", detail: "still here" }, T0);
    const all = await store.auditSince(m.id, "0", 5000);
    expect(all[0]).toMatchObject({ action: "start" });
    expect(all.filter((e) => e.outcome === "denied").length).toBeLessThanOrEqual(MIGRATION_DENIALS_CAP);
    expect(all.at(-1)).toMatchObject({ detail: "still here" });
    expect(await store.auditDropped({ migrationId: m.id })).toBe(extra + 1); // the start entry counts toward the cap
    expect(await client.xlen(`hikkoshi:mig:${m.id}:audit`)).toBeLessThanOrEqual(MIGRATION_DENIALS_CAP + 2);
  });

  it("an environment's refusal stream is capped too, and counts what it left out", async () => {
    const denied = { actor: "U0MALLORY1", action: "start", outcome: "denied" as const, detail: "no" };
    for (let i = 0; i < 3; i++) await store.auditEnv("production", denied, T0 + i);
    expect(await store.auditDropped({ env: "production" })).toBe(0);
    // Fill it to the cap (a flood), then three more.
    const fill = client.pipeline();
    for (let i = 3; i < ENV_AUDIT_CAP; i++)
      fill.xadd(
        "hikkoshi:env:production:audit",
        "*",
        "at",
        "0",
        "actor",
        "U0MALLORY1",
        "action",
        "start",
        "outcome",
        "denied",
        "detail",
        "no",
      );
    await fill.exec();
    for (let i = 0; i < 3; i++) await store.auditEnv("production", denied, T0 + i);
    expect(await store.auditDropped({ env: "production" })).toBe(3);
    expect(await client.xlen("hikkoshi:env:production:audit")).toBe(ENV_AUDIT_CAP);
  });
});
