// One GitOps rollback case: a point of support/rollback.ts run with GitOps on both clusters, and what a
// rolled-back world must show on top of the common checks (world equals its starting snapshot, nothing ran
// on both clusters): the source's exact sync settings, and on the target its controllers kept paused (Git
// still says "run" there, the thread says what to do first) and nothing forbidden running.

import { afterEach, describe, expect, it } from "vitest";
import {
  activeForbidden,
  afterScans,
  type GitOpsWorld,
  installGitOpsWorld,
  stopGitOpsWorlds,
  syncSettings,
} from "./gitopsWorld.js";
import { newestMigration } from "./support/flow.js";
import { ROLLBACK_POINTS, runRollbackScenario } from "./support/rollback.js";

/**
 * One test per rollback point named: the points are split over two files so that they run in parallel,
 * each file a `describe` of its own.
 */
export function describeGitOpsRollbacks(title: string, points: readonly string[]): void {
  afterEach(stopGitOpsWorlds);
  describe(title, () => {
    for (const name of points) {
      it(`${name}: the source's exact sync settings back, the target paused and running nothing forbidden`, async () => {
        await runGitOpsRollback(name);
      }, 240_000);
    }
  });
}

async function runGitOpsRollback(name: string): Promise<void> {
  const point = ROLLBACK_POINTS.find((p) => p.name === name);
  if (!point) throw new Error(`no rollback point "${name}"`);
  let g: GitOpsWorld | undefined;
  await runRollbackScenario({
    ...point,
    arrange(e) {
      point.arrange?.(e);
      g = installGitOpsWorld(e);
    },
    async afterRollback(e) {
      if (!g) throw new Error("GitOps was not installed");
      await afterScans(g, 10);
      expect(syncSettings(e.world.old)).toEqual(g.originals);
      expect(activeForbidden(e.world.new)).toEqual([]);
      const m = await newestMigration(e);
      const paused = m?.steps.find((s) => s.id === "pause-gitops")?.status.state;
      const target = syncSettings(e.world.new);
      if (paused === "pending" || paused === "skipped") {
        // Rolled back before anything was paused: GitOps untouched on both clusters.
        expect(target).toEqual({ "Application argocd/ops": g.originals["Application argocd/ops"] });
        return;
      }
      expect(paused).toBe("compensated");
      expect(target["Application argocd/ops"]).toEqual({});
      // Restored from the backup (taken after the pause), so paused as well.
      expect(target["Kustomization flux-system/batch"]).toBe(true);
      expect(target["Application argocd/web"]).toEqual({});
      expect(target["HelmRelease flux-system/frontend"]).toEqual(
        g.originals["HelmRelease flux-system/frontend"],
      );
      expect(e.slack.console()).toMatch(
        /GitOps kept paused on production-20261125: .*before un-pausing, make Git say/,
      );
    },
  });
}
