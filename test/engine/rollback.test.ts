import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlan } from "../../src/migration/plan.js";
import { startTestEngine, waitForStatus } from "../support/engineHarness.js";
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

// Checks configured, so smoke and verify take a moment (readDelayMs) and can be caught running.
const config = testConfig({ strategy: "weighted", weightSoakMinutes: 0.01, soakMinutes: 0.01, smoke: true });
const plan = buildPlan(config.environments.production!);
// Rollback is offered until decommission has completed, so every step up to and including it is reachable.
const reachable = plan.slice(0, plan.findIndex((s) => s.kind === "decommission") + 1);
const UNDO_OP: Record<string, string[]> = {
  "lower-ttl": ["dns-restore"],
  "shift-traffic": ["dns-restore"],
  handoff: ["undo-handoff"],
  decommission: ["undo-decommission"],
};

describe("rollback from every reachable step", () => {
  for (const [index, step] of reachable.entries()) {
    it(`during "${step.id}": compensations of the completed steps run in reverse, exactly once each`, async () => {
      const c = new Redis(redis.url);
      await c.flushall();
      c.disconnect();
      const ports = createTestPorts({ redisUrl: redis.url, opDelayMs: 150, readDelayMs: 150 });
      await ports.world.init("production-20251101");
      const initial = await ports.world.get();
      const engine = await startTestEngine(redis.url, config, ports);
      try {
        const started = await engine.commands.start("production", { userId: "U0ALICE001" });
        if (!started.ok) throw new Error(started.rejection.message);
        const id = started.value.id;
        // Drive forward (approving gates) until the step is current, then press Rollback.
        await waitFor(
          async () => {
            const m = await engine.store.get(id);
            if (!m) return false;
            if (m.cursor === index && ["running", "awaiting-approval"].includes(m.status)) return true;
            if (m.status === "awaiting-approval")
              await engine.commands.approve({ migrationId: id }, { userId: "U0BOB00001" });
            return false;
          },
          `${step.id} to be current`,
          30_000,
          10,
        );
        const res = await engine.commands.rollback(
          { migrationId: id },
          { userId: "U0CAROL001" },
          { reason: "test" },
        );
        expect(res.ok).toBe(true);
        const double = await engine.commands.rollback({ migrationId: id }, { userId: "U0BOB00001" });
        expect(double.ok ? "ok" : double.rejection.code).toBe("already");

        const m = await waitForStatus(engine, id, "rolled-back", 30_000);
        // The world a rollback restores: DNS target, weight and TTL, suspend flags, replicas.
        const { dns, ttl, weight, forbidden, decommissioned } = await ports.world.get();
        expect({ dns, ttl, weight, forbidden, decommissioned }).toEqual(initial);
        const compensated = m.steps
          .map((s, i) => ({ s, i }))
          .filter(({ s }) => s.status.state === "compensated");
        // Reverse order: a later step was compensated before an earlier one.
        const times = compensated.map(({ s }) =>
          s.status.state === "compensated" ? s.status.compensatedAt : 0,
        );
        expect(times).toEqual([...times].sort((a, b) => b - a));
        for (const { s } of compensated) expect(s.effect).toBe(true);
        // Exactly once: each undo operation ran as many times as there were compensated steps needing it.
        const undos = await ports.world.undos();
        const expected: Record<string, number> = {};
        for (const { s } of compensated)
          for (const op of UNDO_OP[s.kind] ?? []) expected[op] = (expected[op] ?? 0) + 1;
        for (const [op, n] of Object.entries(undos)) expect(n).toBeLessThanOrEqual(expected[op] ?? 0);
        expect(
          (await engine.commands.auditSince(id, "0")).filter((e) => e.action === "rollback"),
        ).toHaveLength(1);
      } finally {
        await engine.close();
        ports.close();
      }
    }, 60_000);
  }
});
