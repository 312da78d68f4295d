// Rollback where GitOps matters, with self-healing Argo CD and Flux controllers on both clusters: the
// source gets its exact sync settings back, the target's controllers stay paused (Git still says "run"
// there) with the thread saying what to do in Git, and nothing forbidden runs on the target. The common
// checks (world equals its starting snapshot, nothing ran on both clusters) are runRollbackScenario's.

import { afterEach, describe, expect, it } from "vitest";
import {
  activeForbidden,
  afterScans,
  type GitOpsWorld,
  installGitOpsWorld,
  syncSettings,
} from "./gitopsWorld.js";
import { newestMigration } from "./support/flow.js";
import { ROLLBACK_POINTS, runRollbackScenario } from "./support/rollback.js";

const installed: GitOpsWorld[] = [];
afterEach(() => {
  for (const g of installed.splice(0)) g.stop();
});

// Rollback where GitOps matters: target paused (cutover gate), mid-handoff, target resumed (traffic
// shifting), the guard's window (decommission gate), and mid-decommission.
const POINTS = [
  "at the cutover gate",
  "during handoff (source suspended, target resuming slowly)",
  "during shift-traffic (CNAME swapped, waiting for INSYNC)",
  "at the decommission gate (CNAME swap)",
  "during decommission (some source workloads already at 0)",
];

describe("GitOps on both clusters, rollback", () => {
  for (const name of POINTS) {
    const point = ROLLBACK_POINTS.find((p) => p.name === name);
    if (!point) throw new Error(`no rollback point "${name}"`);
    it(`${name}: the source gets its exact sync settings back; the target stays paused and runs nothing forbidden`, async () => {
      let g: GitOpsWorld | undefined;
      await runRollbackScenario({
        ...point,
        arrange(e) {
          point.arrange?.(e);
          g = installGitOpsWorld(e);
          installed.push(g);
        },
        async afterRollback(e) {
          if (!g) throw new Error("GitOps was not installed");
          await afterScans(g, 10);
          expect(syncSettings(e.world.old)).toEqual(g.originals);
          expect(activeForbidden(e.world.new)).toEqual([]);
          const target = syncSettings(e.world.new);
          expect(target["Application argocd/ops"]).toEqual({});
          expect(target["Kustomization flux-system/batch"]).toBe(true);
          expect(target["Application argocd/web"]).toEqual({});
          expect(target["HelmRelease flux-system/frontend"]).toEqual(
            g.originals["HelmRelease flux-system/frontend"],
          );
          expect(e.slack.console()).toMatch(
            /GitOps kept paused on production-20261125: .*before un-pausing, make Git say/,
          );
          const m = await newestMigration(e);
          expect(m?.steps.find((s) => s.id === "pause-gitops")?.status.state).toBe("compensated");
        },
      });
    }, 240_000);
  }
});
