import type { GitOpsSnapshot, GuardStop } from "../ports.js";
import {
  clusterOf,
  describeGuard,
  describePauses,
  GITOPS_DATA,
  targetPauses,
  verifyPaused,
} from "./gitopsData.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * Before the backup, pauses every GitOps controller (Argo CD automated sync, Flux suspend) that would
 * revert the handoff: on the source it would un-suspend what the handoff stops; on the target, syncing
 * the same Git, it would start the forbidden resources restored suspended. The original settings are
 * stored once, before the first pause.
 */
export const pauseGitOps: StepDefinition = {
  kind: "pause-gitops",
  async run(ctx) {
    const snapshot = await ctx.data.once<GitOpsSnapshot>(GITOPS_DATA.handoffSnapshot, () =>
      ctx.ports.clusters.snapshotGitOps(ctx, "handoff"),
    );
    if (snapshot.pauses.length === 0) {
      return { type: "done", summary: "no GitOps controller would revert the handoff", unchanged: true };
    }
    const changed = await ctx.ports.clusters.pauseGitOps(ctx, snapshot.pauses);
    if (changed.length > 0) await ctx.note(`GitOps paused: ${changed.join(", ")}`);
    const source = snapshot.pauses.filter((p) => p.side === "source").length;
    return {
      type: "done",
      summary: `paused ${snapshot.pauses.length} (${source} on ${ctx.source.name}, ${snapshot.pauses.length - source} on ${ctx.target.name}): ${describePauses(snapshot.pauses, clusterOf(ctx))}`,
    };
  },
  verify: verifyPaused(GITOPS_DATA.handoffSnapshot),
  async compensate(ctx) {
    const snapshot = await ctx.data.get<GitOpsSnapshot>(GITOPS_DATA.handoffSnapshot);
    if (!snapshot) return;
    const source = snapshot.pauses.filter((p) => p.side === "source");
    const target = targetPauses(snapshot);
    const stops = (await ctx.data.get<GuardStop[]>(GITOPS_DATA.guardStops)) ?? [];
    if (stops.length > 0) await ctx.note(`On ${ctx.source.name}, ${describeGuard(stops)}.`);
    const resumed = await ctx.ports.clusters.resumeGitOps(ctx, source);
    if (resumed.length > 0)
      await ctx.note(`GitOps resumed with their original settings: ${resumed.join(", ")}`);
    // Only for the note: an unreadable target must not fail the rollback of the source.
    const kept = await ctx.ports.clusters.readGitOps(ctx, target).then(
      (states) => states.filter((s) => s.state === "paused").map((s) => s.pause),
      () => target,
    );
    if (kept.length > 0) {
      // Git still says "run" for the target: handing the controller back would start the forbidden
      // resources there, beside the source that runs them again now.
      await ctx.note(
        `GitOps kept paused on ${ctx.target.name}: ${describePauses(kept, clusterOf(ctx))}. Git still declares the duplication-forbidden resources running there; before un-pausing, make Git say they are suspended (or not deployed) on ${ctx.target.name}, or they will run on both clusters.`,
      );
    }
  },
};
