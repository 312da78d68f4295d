import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Engine } from "../../src/jobs/engine.js";
import { expectEveryEffectOnce } from "../support/completedOnce.js";
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";

let redis: RedisServerHandle;
let engine: Engine | undefined;
let ports: ReturnType<typeof createTestPorts> | undefined;
const alice = { userId: "U0ALICE001" };
const bob = { userId: "U0BOB00001" };

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  const { Redis } = await import("ioredis");
  const c = new Redis(redis.url);
  await c.flushall();
  c.disconnect();
});
afterEach(async () => {
  await engine?.close();
  ports?.close();
  engine = undefined;
});

async function setup(config = testConfig(), portOpts: Partial<Parameters<typeof createTestPorts>[0]> = {}) {
  ports = createTestPorts({ redisUrl: redis.url, ...portOpts });
  await ports.world.init("production-20251101");
  engine = await startTestEngine(redis.url, config, ports);
  return { engine, ports };
}

/** Starts a migration in production and waits until it stands at the cutover gate. */
async function startToCutover(engine: Engine): Promise<string> {
  const started = await engine.commands.start("production", alice);
  if (!started.ok) throw new Error(started.rejection.message);
  await waitForGate(engine, started.value.id, "gate-cutover");
  return started.value.id;
}

describe("engine on real Redis and BullMQ workers", () => {
  it("runs the plan to the end, pausing at each gate until approved", async () => {
    const { engine, ports } = await setup();
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    expect(id).toMatch(/^production-\d{8}-1$/);
    expect(started.value.target).toBe("production-20261125");

    const atCutover = await waitForGate(engine, id, "gate-cutover");
    expect(atCutover.steps.filter((s) => s.status.state === "succeeded").map((s) => s.id)).toEqual([
      "preflight",
      "lower-ttl",
      "pause-gitops",
      "backup",
      "restore",
      "wait-ready",
      "smoke",
    ]);
    expect((await ports.world.get()).forbidden).toBe("source"); // nothing past the gate ran

    const approved = await engine.commands.approve({ env: "production" }, bob);
    expect(approved.ok).toBe(true);
    await waitForGate(engine, id, "gate-decommission");
    expect((await ports.world.get()).dns).toBe("production-20261125");

    expect((await engine.commands.approve({ migrationId: id }, alice)).ok).toBe(true);
    const done = await waitForStatus(engine, id, "completed");
    expect(done.steps.every((s) => s.status.state === "succeeded")).toBe(true);
    await expectEveryEffectOnce(ports.world);
    // The lock is released and the history lists it.
    const again = await engine.commands.start("production", alice);
    expect(again.ok ? "started" : again.rejection.message).toMatch(
      /no configured cluster of production is newer than production-20261125/,
    );
    expect((await engine.commands.history("production"))[0]).toMatchObject({ id, status: "completed" });
  });

  it("lets exactly one of 20 concurrent approvals through, and audits one", async () => {
    const { engine } = await setup();
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    const gate = await waitForGate(engine, id, "gate-cutover");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        engine.commands.approve({ migrationId: id }, bob, { stepId: "gate-cutover", version: gate.version }),
      ),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    const refused = results.flatMap((r) => (r.ok ? [] : [r.rejection]));
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(["already", "stale"]).toContain(r.code);
      expect(r.message).toMatch(/already approved|older view/);
    }
    const approvals = (await engine.commands.auditSince(id, "0")).filter((e) => e.action === "approve");
    expect(approvals).toHaveLength(1);
  });

  it("rejects a stale transition with a reason", async () => {
    const { engine } = await setup();
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const gate = await waitForGate(engine, started.value.id, "gate-cutover");
    const res = await engine.commands.approve({ migrationId: gate.id }, bob, { version: gate.version - 1 });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.rejection.code).toBe("stale");
    expect(res.rejection.message).toContain(`now ${gate.version}`);
    expect(res.rejection.current?.status).toBe("awaiting-approval");
  });

  it("refuses a second start for the environment, naming the running migration", async () => {
    const { engine } = await setup();
    const first = await engine.commands.start("production", alice);
    if (!first.ok) throw new Error(first.rejection.message);
    const second = await engine.commands.start("production", bob);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.rejection.code).toBe("locked");
    expect(second.rejection.message).toContain(first.value.id);
  });

  it("enforces four-eyes on cutover", async () => {
    const { engine } = await setup(testConfig({ fourEyes: true }));
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    await waitForGate(engine, started.value.id, "gate-cutover");
    const self = await engine.commands.approve({ env: "production" }, alice);
    expect(self.ok ? "ok" : self.rejection.code).toBe("forbidden");
    expect((await engine.commands.approve({ env: "production" }, bob)).ok).toBe(true);
  });

  it("halts with a clear error when a step fails permanently, and rollback still works", async () => {
    const { engine, ports } = await setup(testConfig(), { permanentFailures: ["handoff"] });
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    await waitForGate(engine, started.value.id, "gate-cutover");
    await engine.commands.approve({ env: "production" }, bob);
    const halted = await waitForStatus(engine, started.value.id, "halted");
    expect(halted.error).toContain("handoff refused by the test world");
    await engine.commands.rollback({ env: "production" }, alice);
    await waitForStatus(engine, started.value.id, "rolled-back");
    expect(await ports.world.get()).toMatchObject({
      dns: "production-20251101",
      ttl: "2",
      forbidden: "source",
    });
  });

  it("rollback does not send traffic back to a source that is not ready; a second press finishes it", async () => {
    const { engine, ports } = await setup();
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(engine, id, "gate-cutover");
    await engine.commands.approve({ env: "production" }, bob);
    await waitForGate(engine, id, "gate-decommission");
    let sourceReady = false;
    const original = ports.clusters.waitReady;
    ports.clusters.waitReady = async (ctx, progress, signal) =>
      ctx.target.name === "production-20251101" && !sourceReady
        ? { ready: 2, total: 3, notReady: ["Deployment web/frontend: MinimumReplicasUnavailable"] }
        : original(ctx, progress, signal);
    await engine.commands.rollback({ env: "production" }, alice);
    const failed = await waitForStatus(engine, id, "rollback-failed");
    expect(failed.error).toContain("refusing to send traffic back to production-20251101");
    expect((await ports.world.get()).dns).toBe("production-20261125"); // traffic stayed on the ready cluster
    sourceReady = true;
    const again = await engine.commands.rollback({ env: "production" }, alice);
    expect(again.ok).toBe(true);
    await waitForStatus(engine, id, "rolled-back");
    expect(await ports.world.get()).toMatchObject({ dns: "production-20251101", forbidden: "source" });
  });

  it("does not send traffic to a target that stopped being ready after the cutover approval", async () => {
    const { engine, ports } = await setup();
    const id = await startToCutover(engine);
    ports.clusters.waitReady = async () => ({
      ready: 2,
      total: 3,
      notReady: ["Deployment web/frontend: ProgressDeadlineExceeded"],
    });
    await engine.commands.approve({ env: "production" }, bob);
    const halted = await waitForStatus(engine, id, "halted");
    expect(halted.error).toBe(
      "Shift traffic: refusing to send traffic to production-20261125: 1 workload(s) not ready (Deployment web/frontend: ProgressDeadlineExceeded) (fix: roll back, or fix the target and retry)",
    );
    expect((await ports.world.effects())["shift-100"]).toBeUndefined();
    expect((await ports.world.get()).dns).toBe("production-20251101");
  });

  it("halts with the difference when a change does not read back (DNS rewritten behind its back)", async () => {
    // Something (an external-dns on the old cluster, say) puts the weight back right after the shift.
    const { engine, ports } = await setup(testConfig(), { driftAfter: { "shift-100": { weight: "0" } } });
    const id = await startToCutover(engine);
    await engine.commands.approve({ env: "production" }, bob);
    const halted = await waitForStatus(engine, id, "halted");
    expect(halted.error).toBe(
      "Shift traffic: read-back after the change failed: www.example.com sends 0% to the new cluster, not 100% (fix: stop whatever changed it, then roll back and start again)",
    );
    expect(halted.steps.find((s) => s.id === "shift-traffic")?.status.state).toBe("failed");
    expect(halted.steps.find((s) => s.id === "public-health")?.status.state).toBe("pending");
    await engine.commands.rollback({ env: "production" }, alice);
    await waitForStatus(engine, id, "rolled-back");
    expect(await ports.world.get()).toMatchObject({ dns: "production-20251101", weight: "0", ttl: "2" });
  });

  it("halts at lower-ttl when the lowered TTL does not read back", async () => {
    const { engine, ports } = await setup(testConfig(), { driftAfter: { "ttl-1": { ttl: "2" } } });
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const halted = await waitForStatus(engine, started.value.id, "halted");
    expect(halted.error).toBe(
      "Lower DNS TTL: read-back after the change failed: TTL is 2 s, not 1 s (fix: stop whatever changed it, then roll back and start again)",
    );
    expect((await ports.world.effects()).backup).toBeUndefined();
  });

  it("halts when the decommissioned source is scaled back up behind its back", async () => {
    const { engine } = await setup(testConfig(), { driftAfter: { decommission: { decommissioned: "0" } } });
    const id = await startToCutover(engine);
    await engine.commands.approve({ env: "production" }, bob);
    await waitForGate(engine, id, "gate-decommission");
    await engine.commands.approve({ migrationId: id }, alice);
    const halted = await waitForStatus(engine, id, "halted");
    expect(halted.error).toContain(
      "Decommission source: read-back after the change failed: production-20251101 is serving again after being scaled to 0: Deployment web/frontend has 3 replica(s)",
    );
  });

  it("retries transient errors and converges", async () => {
    const { engine, ports } = await setup(testConfig(), { transientFailures: { backup: 2 } });
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    await waitForGate(engine, started.value.id, "gate-cutover");
    expect((await ports.world.effects()).backup).toBe(1);
    const retries = (await engine.commands.auditSince(started.value.id, "0")).filter((e) =>
      /will retry/.test(e.detail),
    );
    expect(retries.length).toBe(2);
  });

  it("with approveEachStep, each weighted traffic increment waits for someone other than the starter", async () => {
    const { engine, ports } = await setup(
      testConfig({ strategy: "weighted", approveEachStep: true, fourEyes: true }),
    );
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(engine, id, "gate-cutover");
    await engine.commands.approve({ env: "production" }, bob);
    for (const weight of ["10", "50"]) {
      const paused = await waitForGate(engine, id, "shift-traffic");
      expect((await ports.world.get()).weight).toBe(weight);
      const self = await engine.commands.approve({ migrationId: id }, alice, {
        stepId: "shift-traffic",
        version: paused.version,
      });
      expect(self.ok ? "ok" : self.rejection.code).toBe("forbidden");
      const ok = await engine.commands.approve({ migrationId: id }, bob, {
        stepId: "shift-traffic",
        version: paused.version,
      });
      expect(ok.ok).toBe(true);
      const twice = await engine.commands.approve({ migrationId: id }, bob, {
        stepId: "shift-traffic",
        version: paused.version,
      });
      expect(twice.ok).toBe(false);
    }
    await waitForGate(engine, id, "gate-decommission");
    expect((await ports.world.get()).weight).toBe("100");
    expect(await ports.world.effects()).toMatchObject({ "shift-10": 1, "shift-50": 1, "shift-100": 1 });
    const approvals = (await engine.commands.auditSince(id, "0")).filter((e) => e.action === "approve");
    expect(approvals).toHaveLength(3);
  });

  it("stops at preflight when there is a blocking finding, changing nothing", async () => {
    const { engine, ports } = await setup(testConfig(), {
      findings: [
        {
          code: "stateful-workload",
          severity: "blocking",
          message: "payments/ledger-db is stateful",
          fix: "acknowledge it",
        },
      ],
    });
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const m = await waitForStatus(engine, started.value.id, "blocked");
    expect(m.findings[0]?.code).toBe("stateful-workload");
    expect(await ports.world.effects()).toEqual({});
    expect((await engine.commands.start("production", alice)).ok).toBe(true); // lock released
  });

  it("aborts before any effect and releases the lock; refuses abort after one", async () => {
    // Slow reads keep the first abort inside preflight: from "pause-gitops" (before the restore) on, the
    // world may have changed, and rollback is the way back.
    const { engine } = await setup(testConfig({ lowerTtl: false }), { readDelayMs: 200 });
    const started = await engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const aborted = await engine.commands.abort("production", alice);
    expect(aborted.ok && aborted.value.status).toBe("aborted");
    const next = await engine.commands.start("production", alice);
    if (!next.ok) throw new Error(next.rejection.message);
    await waitForGate(engine, next.value.id, "gate-cutover");
    await engine.commands.approve({ env: "production" }, bob);
    await waitForGate(engine, next.value.id, "gate-decommission");
    const refused = await engine.commands.abort("production", alice);
    expect(refused.ok ? "ok" : refused.rejection.message).toMatch(/rollback/);
  });
});
