// Faults in hikkoshi's own processes and in the systems it drives, during a run: bot and workers restarted,
// redis-server restarted, the Kubernetes API answering 500s, Route 53 throttling. Each run must still
// complete, with every effect once, the live message caught up, and the invariants held throughout.

import { OLD_INGRESS } from "@hikkoshi/sandbox/world";
import { describe, expect, it } from "vitest";
import { newestMigration, stepState, waitForMigration, waitForStep } from "./support/flow.js";
import { approveCutover } from "./support/rollback.js";
import { approveToTheEnd, expectCompletedRun, withWorld } from "./support/scenario.js";
import { startMigration } from "./support/slack.js";
import { sleep } from "./support/wait.js";
import type { E2eWorld } from "./support/world.js";

const chatUpdates = (e: E2eWorld, ts: string) =>
  e.world.slack.calls.filter((c) => c.method === "chat.update" && c.args.ts === ts);

function newWeight(e: E2eWorld): number {
  let w = 0;
  for (const r of e.world.route53.recordSets(e.world.zoneId))
    if (r.Name === "www.example.com." && r.ResourceRecords?.[0]?.Value !== OLD_INGRESS) w += r.Weight ?? 100;
  return w;
}

const status5xx = (e: E2eWorld) =>
  (e.world.old.stats.byStatus["500"] ?? 0) + (e.world.new.stats.byStatus["500"] ?? 0);

describe("faults during a run", () => {
  it("bot and workers restarted mid-step and during a soak: the run continues, the live message catches up", async () => {
    await withWorld({ strategy: "weighted" }, async (e, before) => {
      await startMigration(e);
      // Mid-step: the restore is running (the target API is slow), and the process is told to stop.
      e.world.new.faults.set({ latencyMs: 150 });
      await waitForStep(e, "restore", ["running"]);
      const live = e.slack.liveMessage();
      expect(live).toBeDefined();
      await e.world.restartApp();
      e.world.new.faults.set({});

      // The restarted bot answers clicks, and the restarted workers carry on.
      await approveCutover(e);
      await waitForMigration(
        e,
        (m) => stepState(m, "shift-traffic") === "waiting" && newWeight(e) === 10,
        "shift-traffic soaking at 10%",
      );
      await e.world.restartApp();
      const updatesAfterRestart = chatUpdates(e, live!.ts).length;

      const m = await approveToTheEnd(e, { cutover: false });
      await expectCompletedRun(e, m, before);
      // Still the same live message, kept up to date by the new process; no second message was posted.
      expect(e.slack.liveMessage()?.ts).toBe(live!.ts);
      expect(chatUpdates(e, live!.ts).length).toBeGreaterThan(updatesAfterRestart);
      const posts = e.world.slack.calls.filter((c) => c.method === "chat.postMessage" && !c.args.thread_ts);
      expect(posts).toHaveLength(1);
    });
  }, 240_000);

  it("redis-server restarted mid-step and at the cutover gate: nothing lost, nothing applied twice", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      const started = await startMigration(e);
      e.world.new.faults.set({ latencyMs: 150 });
      await waitForStep(e, "restore", ["running"]);
      await e.world.redis.restart();
      e.world.new.faults.set({});

      await waitForStep(e, "gate-cutover", ["awaiting-approval"]);
      const atGate = await newestMigration(e);
      await e.world.redis.restart();
      // The record survived (AOF), unchanged.
      expect((await newestMigration(e))?.version).toBe(atGate?.version);

      const m = await approveToTheEnd(e);
      expect(m.id).toBe(started.id);
      await expectCompletedRun(e, m, before);
      const entries = await e.world.app.engine.commands.auditSince(m.id, "0", 1000);
      expect(entries.filter((x) => x.action === "start")).toHaveLength(1);
      expect(entries.filter((x) => x.action === "approve" && x.outcome === "ok")).toHaveLength(2);
      expect(entries.filter((x) => x.action === "complete")).toHaveLength(1);
    });
  }, 240_000);

  it("a Kubernetes API unreachable for a while, then both answering 500 to 30% of requests up to the handoff: the run completes", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      await startMigration(e);
      // The new cluster's API is unreachable (connection refused) for 3 s while the restore runs.
      await waitForStep(e, "restore", ["running"]);
      await e.world.new.faults.down("refuse");
      await sleep(3_000);
      await e.world.new.faults.up();
      e.world.old.faults.set({ errorRate: 0.3, seed: 1 });
      e.world.new.faults.set({ errorRate: 0.3, seed: 2 });
      await approveCutover(e);
      await waitForStep(e, "handoff", ["succeeded"], 120_000);
      const injected = status5xx(e);
      await e.world.old.faults.clear();
      await e.world.new.faults.clear();
      // The faults were real: requests failed, and hikkoshi retried past them.
      expect(injected).toBeGreaterThan(5);

      const m = await approveToTheEnd(e, { cutover: false });
      await expectCompletedRun(e, m, before);
    });
  }, 240_000);

  it("Route 53 throttles every operation, repeatedly: the weighted shift completes, each change once", async () => {
    await withWorld({ strategy: "weighted" }, async (e, before) => {
      const r53 = e.world.route53;
      r53.faults.throttleNext(4);
      await startMigration(e);
      await waitForStep(e, "lower-ttl", ["succeeded"]);
      await waitForStep(e, "gate-cutover", ["awaiting-approval"]);
      r53.faults.throttleNext(3, ["ChangeResourceRecordSets"]);
      await approveCutover(e);
      await waitForMigration(e, () => newWeight(e) === 10, "the first weighted change");
      r53.faults.throttleNext(4, ["GetChange", "ListResourceRecordSets", "ChangeResourceRecordSets"]);
      const m = await approveToTheEnd(e, { cutover: false });
      expect(r53.counters.throttled).toBe(11);
      await expectCompletedRun(e, m, before);
    });
  }, 240_000);
});
