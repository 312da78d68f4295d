// A whole migration, with each traffic strategy, driven only through Slack: start, four-eyes refusal,
// approve cutover, approve decommission, completed; then the world as it must be.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, newestMigration, stepState, waitForStatus, waitForStep } from "./support/flow.js";
import { startInvariantMonitor } from "./support/monitor.js";
import { expectCompletedRun } from "./support/scenario.js";
import { alice, bob, click, clickExpectingReply, startMigration, waitForButton } from "./support/slack.js";
import { snapshotWorld } from "./support/snapshot.js";
import { waitUntil } from "./support/wait.js";
import { type E2eWorld, startE2eWorld } from "./support/world.js";

describe.each(["weighted", "cnameSwap"] as const)("happy path with %s traffic", (strategy) => {
  let e: E2eWorld;
  beforeAll(async () => {
    e = await startE2eWorld({ strategy });
  });
  afterAll(async () => {
    await e?.close();
  });

  it("start, four-eyes, approve cutover and decommission: completed, traffic and jobs on the new cluster", async () => {
    const before = snapshotWorld(e.world);
    const monitor = startInvariantMonitor(e.world);
    try {
      const started = await startMigration(e);

      const approve = await waitForButton(e, /approve cutover/i);
      // alice started it: four-eyes refuses her, says why, and nothing moves.
      const refusal = await clickExpectingReply(e, alice, approve, /four-eyes/i);
      expect(refusal.text).toMatch(/someone else must approve/);
      const atGate = await newestMigration(e);
      expect(atGate && stepState(atGate, "gate-cutover")).toBe("awaiting-approval");
      expect(atGate?.approvals).toEqual([]);

      await click(e, bob, approve);
      await waitForStep(e, "gate-cutover", ["succeeded"]);
      const decommission = await waitForButton(e, /approve decommission/i, 120_000);
      await click(e, bob, decommission);
      const done = await waitForStatus(e, ["completed", "halted", "rollback-failed", "rolled-back"], 120_000);
      expect(done.status, e.slack.console()).toBe("completed");
      expect(done.id).toBe(started.id);

      await expectCompletedRun(e, done, before);
      // The busy forbidden CronJob carries on from the new cluster (the monitor proves no schedule ran twice).
      await waitUntil(
        () => e.world.new.cronJobEvents.some((x) => x.cronJob === "ledger-close"),
        "ledger-close to run on the new cluster",
        20_000,
      );

      // Audit: alice refused once, bob approved each gate once.
      const entries = await audit(e, done.id);
      const approvals = entries.filter((x) => x.action === "approve");
      expect(approvals.filter((x) => x.outcome === "ok").map((x) => x.actor)).toEqual([bob, bob]);
      expect(approvals.filter((x) => x.outcome === "denied").map((x) => x.actor)).toEqual([alice]);
    } finally {
      monitor.stop();
    }
    expect(monitor.violations).toEqual([]);
    expect(monitor.samples).toBeGreaterThan(20);
  }, 240_000);
});
