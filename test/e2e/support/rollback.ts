// Rollback from every gate and from inside every effect-bearing step, by button or by slash command,
// then the world compared with its starting snapshot. Slow steps are slowed down with the hosts' own
// faults (INSYNC delay, request latency) so a press lands while the step is part-way through.

import { OLD_INGRESS } from "@hikkoshi/sandbox/world";
import { expect } from "vitest";
import type { Migration } from "../../../src/migration/types.js";
import { audit, newestMigration, stepState, waitForMigration, waitForStatus, waitForStep } from "./flow.js";
import { startInvariantMonitor } from "./monitor.js";
import {
  alice,
  bob,
  click,
  commandReply,
  startMigration,
  waitForButton,
  waitForLiveMessage,
} from "./slack.js";
import { rollbackDifferences, snapshotWorld } from "./snapshot.js";
import { waitUntil } from "./wait.js";
import { type E2eWorld, startE2eWorld } from "./world.js";

export interface RollbackPoint {
  name: string;
  /** Which of the two rollback test files runs it (they run in parallel; keep them about even). */
  file: "early" | "late";
  strategy: "weighted" | "cnameSwap";
  /** "both": alice presses the button and bob sends the command at the same moment. */
  by: "button" | "command" | "both";
  /** Faults while the compensations run (each clears its own). */
  whileRollingBack?(e: E2eWorld): Promise<void>;
  /** Real ms until workloads are ready after a change (pods starting), per cluster. */
  readyDelayMs?: { old?: number; new?: number };
  /** Before /migrate start. */
  arrange?(e: E2eWorld): void;
  /** After start: drives the migration (approving gates as bob) until the rollback should be pressed. */
  reach(e: E2eWorld): Promise<void>;
  /** Steps that must be "running" (or "waiting") when the press lands: proves it was during the step. */
  during?: string;
  /** Extra checks of the rolled-back world (after the common ones). */
  afterRollback?(e: E2eWorld): Promise<void>;
}

export async function approveCutover(e: E2eWorld): Promise<void> {
  await click(e, bob, await waitForButton(e, /approve cutover/i));
  await waitForStep(e, "gate-cutover", ["succeeded"]);
}

export async function approveDecommission(e: E2eWorld): Promise<void> {
  await click(e, bob, await waitForButton(e, /approve decommission/i, 120_000));
  await waitForStep(e, "gate-decommission", ["succeeded"]);
}

const records = (e: E2eWorld) =>
  e.world.route53.recordSets(e.world.zoneId).filter((r) => r.Name === "www.example.com.");

/** Weight DNS gives the new cluster's load balancer for www (CNAME swap: 100 or 0). */
function newWeight(e: E2eWorld): number {
  let w = 0;
  for (const r of records(e)) {
    const value = r.ResourceRecords?.[0]?.Value;
    if (value && value !== OLD_INGRESS) w += r.Weight ?? 100;
  }
  return w;
}

const gateCutover = (e: E2eWorld) => waitForStep(e, "gate-cutover", ["awaiting-approval"]);
const gateDecommission = (e: E2eWorld) => waitForStep(e, "gate-decommission", ["awaiting-approval"], 120_000);
/** From the start to the decommission gate: cutover approved, traffic shifted, soaked. */
async function throughCutover(e: E2eWorld): Promise<void> {
  await gateCutover(e);
  await approveCutover(e);
  await gateDecommission(e);
}

const isRunning = (m: Migration, step: string) => stepState(m, step) === "running";

export const ROLLBACK_POINTS: RollbackPoint[] = [
  {
    name: "during lower-ttl (TTL change written, waiting for INSYNC)",
    file: "early",
    strategy: "weighted",
    by: "button",
    during: "lower-ttl",
    arrange: (e) => {
      e.world.route53.faults.insyncDelayMs = 2_000;
    },
    async reach(e) {
      await waitForMigration(
        e,
        (m) => isRunning(m, "lower-ttl") && records(e).every((r) => r.TTL === 1),
        "lower-ttl running with the TTL already lowered",
      );
    },
  },
  {
    name: "at the cutover gate",
    file: "early",
    strategy: "weighted",
    by: "command",
    reach: async (e) => {
      await gateCutover(e);
    },
  },
  {
    name: "during handoff (source suspended, target resuming slowly)",
    file: "early",
    strategy: "weighted",
    by: "button",
    during: "handoff",
    async reach(e) {
      await gateCutover(e);
      e.world.new.faults.set({ latencyMs: 600, filter: { resource: "cronjobs.batch" } });
      await approveCutover(e);
      await waitForMigration(
        e,
        (m) =>
          isRunning(m, "handoff") &&
          e.world.old.objects.get("batch/v1", "CronJob", "ledger-close", "ops")?.spec?.suspend === true,
        "handoff running with ledger-close suspended on the old cluster",
      );
    },
  },
  {
    name: "during shift-traffic (CNAME swapped, waiting for INSYNC)",
    file: "early",
    strategy: "cnameSwap",
    by: "command",
    during: "shift-traffic",
    async reach(e) {
      await gateCutover(e);
      e.world.route53.faults.insyncDelayMs = 2_000;
      await approveCutover(e);
      await waitForMigration(
        e,
        (m) => isRunning(m, "shift-traffic") && newWeight(e) === 100,
        "shift-traffic running with the CNAME on the new cluster",
      );
    },
  },
  {
    name: "between weighted steps (soaking at 10%)",
    file: "early",
    strategy: "weighted",
    by: "button",
    during: "shift-traffic",
    async reach(e) {
      await gateCutover(e);
      await approveCutover(e);
      await waitForMigration(
        e,
        (m) => stepState(m, "shift-traffic") === "waiting" && newWeight(e) === 10,
        "shift-traffic soaking at 10%",
      );
    },
  },
  {
    name: "during the weighted change to 50% (waiting for INSYNC)",
    file: "late",
    strategy: "weighted",
    by: "command",
    during: "shift-traffic",
    async reach(e) {
      await gateCutover(e);
      await approveCutover(e);
      await waitForMigration(
        e,
        (m) => stepState(m, "shift-traffic") === "waiting" && newWeight(e) === 10,
        "shift-traffic soaking at 10%",
      );
      e.world.route53.faults.insyncDelayMs = 2_000;
      await waitForMigration(
        e,
        (m) => isRunning(m, "shift-traffic") && newWeight(e) === 50,
        "shift-traffic running with 50% written",
      );
    },
  },
  {
    name: "at the decommission gate (weighted)",
    file: "late",
    strategy: "weighted",
    by: "button",
    reach: throughCutover,
  },
  {
    name: "at the decommission gate (CNAME swap)",
    file: "late",
    strategy: "cnameSwap",
    by: "command",
    reach: throughCutover,
  },
  {
    name: "at the decommission gate, pressed twice at once; restart, API 500s and Route 53 throttling while compensating",
    file: "early",
    strategy: "weighted",
    by: "both",
    reach: throughCutover,
    async whileRollingBack(e) {
      e.world.old.faults.set({ errorRate: 0.3, seed: 3 });
      e.world.new.faults.set({ errorRate: 0.3, seed: 4 });
      e.world.route53.faults.throttleNext(3);
      await waitForMigration(
        e,
        (m) => m.steps.some((s) => s.status.state === "compensating" || s.status.state === "compensated"),
        "a compensation to start",
        30_000,
      );
      await e.world.restartApp();
      await waitForMigration(
        e,
        (m) => m.status === "rolled-back" || stepState(m, "handoff") === "compensated",
        "the handoff to be undone",
        60_000,
      );
      await e.world.old.faults.clear();
      await e.world.new.faults.clear();
      // The faults were real.
      expect(e.world.route53.counters.throttled).toBe(3);
      expect(
        (e.world.old.stats.byStatus["500"] ?? 0) + (e.world.new.stats.byStatus["500"] ?? 0),
      ).toBeGreaterThan(0);
    },
  },
  {
    name: "during decommission (some source workloads already at 0)",
    file: "late",
    strategy: "cnameSwap",
    by: "button",
    // Pods take a while to come back after scaling up from 0: DNS must not return before they are ready.
    readyDelayMs: { old: 1_500 },
    during: "decommission",
    async reach(e) {
      await throughCutover(e);
      e.world.old.faults.set({ latencyMs: 800, filter: { resource: "deployments.apps" } });
      await approveDecommission(e);
      await waitForMigration(
        e,
        (m) =>
          isRunning(m, "decommission") &&
          e.world.old.objects
            .list("apps/v1", "Deployment", "web")
            .some((d) => (d.spec as { replicas?: number }).replicas === 0),
        "decommission running with a web Deployment at 0",
      );
    },
  },
];

/** One rollback scenario in its own world: start, reach the point, roll back, compare with the start. */
export async function runRollbackScenario(point: RollbackPoint): Promise<void> {
  const e = await startE2eWorld({
    strategy: point.strategy,
    ...(point.readyDelayMs ? { readyDelayMs: point.readyDelayMs } : {}),
  });
  try {
    const before = snapshotWorld(e.world);
    const monitor = startInvariantMonitor(e.world);
    try {
      point.arrange?.(e);
      const started = await startMigration(e);
      await point.reach(e);
      const at = await newestMigration(e);
      if (point.during) {
        const state = at && stepState(at, point.during);
        expect(["running", "waiting"], `${point.during} when rollback is pressed`).toContain(state);
      }

      const rollback = await waitForButton(e, /roll ?back/i);
      if (point.by === "both") {
        const [, reply] = await Promise.all([
          click(e, alice, rollback),
          commandReply(e, bob, "rollback production"),
        ]);
        expect(reply).toMatch(/Rolling back|already/i);
      } else if (point.by === "button") {
        expect(e.slack.liveMessage()?.blocks ?? []).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              elements: expect.arrayContaining([expect.objectContaining({ confirm: expect.anything() })]),
            }),
          ]),
        );
        await click(e, alice, rollback);
      } else {
        const reply = await e.slack.command(bob, "rollback production");
        expect(reply).toMatch(/Rolling back/);
      }
      // Faults that only slowed the step down are lifted; the compensations run at normal speed.
      await waitForStatus(e, ["rolling-back", "rolled-back", "rollback-failed"], 30_000);
      e.world.route53.faults.insyncDelayMs = 200;
      await e.world.new.faults.clear();
      await e.world.old.faults.clear();
      await point.whileRollingBack?.(e);

      const m = await waitForStatus(e, ["rolled-back", "rollback-failed"], 120_000);
      expect(m.status, e.slack.console()).toBe("rolled-back");
      expect(m.id).toBe(started.id);
      for (const s of m.steps) {
        expect(s.status.state, s.id).not.toBe("compensation-failed");
        if (s.effect && ["succeeded", "failed", "interrupted", "running"].includes(s.status.state))
          throw new Error(`${s.id} changed the world and was left ${s.status.state}, not compensated`);
      }
      if (point.during) expect(stepState(m, point.during)).toBe("compensated");

      const differences = rollbackDifferences(before, snapshotWorld(e.world));
      expect(differences).toEqual([]);
      expect(snapshotWorld(e.world).dns).toStrictEqual(before.dns);

      // One rollback in the audit, by whoever pressed it; the live message says so and offers no buttons.
      const rollbacks = (await audit(e, m.id)).filter((x) => x.action === "rollback" && x.outcome === "ok");
      if (point.by === "both") expect([[alice], [bob]]).toContainEqual(rollbacks.map((x) => x.actor));
      else expect(rollbacks.map((x) => x.actor)).toEqual([point.by === "button" ? alice : bob]);
      const lines = await waitForLiveMessage(
        e,
        m.id,
        (l) => l.some((x) => /rolled back/.test(x)),
        "rolled back",
      );
      expect(
        lines.filter((l) => l.startsWith("[ ")),
        "buttons left on the live message",
      ).toEqual([]);

      // The old cluster runs its forbidden CronJobs again, and nothing ran on both (the monitor).
      const since = e.world.old.cronJobEvents.length;
      await waitUntil(
        () => e.world.old.cronJobEvents.slice(since).some((x) => x.cronJob === "ledger-close"),
        "ledger-close to run on the old cluster again",
        20_000,
      );
      await point.afterRollback?.(e);
    } finally {
      monitor.stop();
    }
    expect(monitor.violations).toEqual([]);
  } finally {
    await e.close();
  }
}
