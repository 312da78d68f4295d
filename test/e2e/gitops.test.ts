// A whole migration with self-healing Argo CD and Flux controllers on both clusters syncing one Git:
// nothing forbidden runs on both clusters at any moment (the invariant monitor), the target's controllers
// are handed back after the handoff, the source's stay paused through the decommission (whose zero
// replicas hold), and the guard stops a re-activation and names who did it. Rollbacks: gitopsRollback.test.ts.

import { afterEach, describe, expect, it } from "vitest";
import {
  activeForbidden,
  afterScans,
  installGitOpsWorld,
  stopGitOpsWorlds,
  syncSettings,
} from "./gitopsWorld.js";
import { waitForStep } from "./support/flow.js";
import { approveToTheEnd, expectCompletedRun, withWorld } from "./support/scenario.js";
import { startMigration } from "./support/slack.js";
import { waitUntil } from "./support/wait.js";
import type { E2eWorld } from "./support/world.js";

afterEach(stopGitOpsWorlds);

const suspendOf = (e: E2eWorld, side: "old" | "new", ns: string, name: string) =>
  (e.world[side].objects.get("batch/v1", "CronJob", name, ns)?.spec as { suspend?: boolean } | undefined)
    ?.suspend;

function patchAs(
  e: E2eWorld,
  side: "old" | "new",
  ns: string,
  name: string,
  suspend: boolean,
  manager: string,
) {
  const host = e.world[side];
  const def = host.api.registry.byGroupKind("batch", "CronJob")!;
  host.api.patch(
    { def, version: "v1", namespace: ns, name },
    "application/merge-patch+json",
    JSON.stringify({ spec: { suspend } }),
    { fieldManager: manager },
  );
}

describe("GitOps on both clusters", () => {
  it("happy path: paused before the backup, target (and the copies the restore brings) resumed after the handoff, source kept paused; the guard stops a re-activation; zero replicas hold", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      const g = installGitOpsWorld(e);
      // The controllers are live: a hand edit on the source is reverted, as Argo CD's field manager.
      patchAs(e, "old", "ops", "ledger-close", true, "kubectl-edit");
      await waitUntil(
        () => suspendOf(e, "old", "ops", "ledger-close") === false,
        "Argo CD to revert a hand edit",
      );

      await startMigration(e);
      const paused = await waitForStep(e, "pause-gitops", ["succeeded"]);
      const pauseStep = paused.steps.find((s) => s.id === "pause-gitops")!;
      expect(pauseStep.status.state === "succeeded" && pauseStep.status.summary).toMatch(
        /^paused 4 \(3 on production-20251101, 1 on production-20261125\)/,
      );

      // Between the handoff and the decommission: someone starts a forbidden CronJob on the source again.
      await waitForStep(e, "gate-cutover", ["awaiting-approval"]);
      const done = approveToTheEnd(e);
      await waitForStep(e, "resume-target-gitops", ["succeeded"], 120_000);
      expect(syncSettings(e.world.new)).toEqual(g.originals);
      patchAs(e, "old", "ops", "quarterly-report", false, "kubectl-edit");
      await waitUntil(
        () => /guard: CronJob ops\/quarterly-report .*"kubectl-edit"/.test(e.slack.console()),
        "the guard's warning in the thread",
        60_000,
        { explain: () => e.slack.console() },
      );
      expect(suspendOf(e, "old", "ops", "quarterly-report")).toBe(true);

      const m = await done;
      await expectCompletedRun(e, m, before);
      const summary = (id: string) => {
        const st = m.steps.find((s) => s.id === id)?.status;
        return st?.state === "succeeded" ? st.summary : undefined;
      };
      expect(summary("resume-target-gitops")).toMatch(/^resumed 3 on production-20261125/);
      expect(summary("pause-source-gitops")).toMatch(
        /paused 1 on production-20251101: HelmRelease flux-system\/frontend .*the guard stopped 1 re-activation\(s\) since the handoff \(by kubectl-edit\)/,
      );

      // "A minute later": a host minute passes (the CronJob schedules) and both controllers scan many
      // times; the source's controllers stay paused, so its workloads stay at zero and nothing runs there.
      const at = e.world.old.clock.now();
      await waitUntil(() => e.world.old.clock.now() > at + 60_000, "a host minute");
      await afterScans(g, 20);
      const replicas = e.world.old.objects
        .list("apps/v1", "Deployment")
        .filter((d) => ["ops", "batch", "web"].includes(d.metadata?.namespace ?? ""))
        .filter((d) => ((d.spec as { replicas?: number }).replicas ?? 1) > 0);
      expect(replicas.map((d) => d.metadata?.name)).toEqual([]);
      expect(activeForbidden(e.world.old)).toEqual([]);
      const oldSettings = syncSettings(e.world.old);
      expect(oldSettings["Application argocd/ops"]).toEqual({});
      expect(oldSettings["Kustomization flux-system/batch"]).toBe(true);
      expect(g.controllers.old.reverts.filter((r) => r.at > Date.now() - 5_000)).toEqual([]);

      // The target's controllers are in charge again: a hand edit there is reverted to Git.
      patchAs(e, "new", "ops", "ledger-close", true, "kubectl-edit");
      await waitUntil(
        () => suspendOf(e, "new", "ops", "ledger-close") === false,
        "the target's Argo CD to revert",
      );
    });
  }, 240_000);
});
