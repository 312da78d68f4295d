// A hazard preflight finds stops the migration before anything changes: a StatefulSet with
// volumeClaimTemplates (state on a volume, tolerating neither duplication nor loss), not acknowledged.

import { type KubeHost, statefulSetWithVolume } from "@hikkoshi/test-hosts/kube";
import { describe, expect, it } from "vitest";
import { waitForStatus } from "./support/flow.js";
import { withWorld } from "./support/scenario.js";
import { alice, liveButtons, waitForLiveMessage } from "./support/slack.js";
import { rollbackDifferences, snapshotWorld } from "./support/snapshot.js";
import { waitUntil } from "./support/wait.js";

function addLedgerDatabase(old: KubeHost): void {
  old.objects.put(
    statefulSetWithVolume("billing", "ledger-db", "postgres:16", { name: "data", storage: "10Gi" }),
  );
}

describe("preflight", () => {
  it("an unacknowledged stateful workload blocks the migration before any change, with the fix in the thread", async () => {
    await withWorld({ strategy: "cnameSwap", fixtures: addLedgerDatabase }, async (e, before) => {
      const reply = await e.slack.command(alice, "start production");
      expect(reply).toMatch(/Started|blocked|preflight/i);
      const m = await waitForStatus(e, ["blocked", "awaiting-approval", "halted", "completed"], 60_000);
      expect(m.status, e.slack.console()).toBe("blocked");
      expect(m.findings.map((f) => [f.code, f.severity])).toContainEqual(["stateful-workload", "blocking"]);
      expect(m.steps.filter((s) => s.id !== "preflight").map((s) => s.status.state)).toEqual(
        m.steps.filter((s) => s.id !== "preflight").map(() => "pending"),
      );

      // The thread names the workload and the fix.
      const lines = await waitForLiveMessage(e, m.id, (l) => l.some((x) => /blocked/i.test(x)), "blocked");
      expect(liveButtons(e), lines.join("\n")).toEqual([]);
      const live = e.slack.liveMessage()!;
      const threadText = () =>
        e.world.slack
          .replies(live.channel, live.ts)
          .map((r) => `${r.text}\n${JSON.stringify(r.blocks)}`)
          .join("\n");
      const thread = await waitUntil(
        () => (/billing\/ledger-db/.test(threadText()) ? threadText() : undefined),
        "the finding in the thread",
        30_000,
        { explain: () => e.slack.console() },
      );
      expect(thread).toMatch(/acknowledgedStateful/);

      // Nothing changed: no Velero Backup or Restore, no DNS change, every flag and replica count as before.
      expect(e.world.old.objects.list("velero.io/v1", "Backup", "velero")).toEqual([]);
      expect(e.world.new.objects.list("velero.io/v1", "Restore", "velero")).toEqual([]);
      expect(e.world.route53.counters.changesAccepted).toBe(0);
      expect(rollbackDifferences(before, snapshotWorld(e.world))).toEqual([]);
      expect(snapshotWorld(e.world)).toStrictEqual(before);
    });
  }, 120_000);
});
