import { clusterOf, describePauses, handoffSnapshot, verifyStates } from "./gitopsData.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * After the handoff the target is the cluster that should run the forbidden resources, as Git says:
 * its controllers get their original settings back. The source's stay paused until decommission.
 */
export const resumeTargetGitOps: StepDefinition = {
  kind: "resume-target-gitops",
  async run(ctx) {
    const target = ((await handoffSnapshot(ctx))?.pauses ?? []).filter((p) => p.side === "target");
    const resumed = await ctx.ports.clusters.resumeGitOps(ctx, target);
    if (target.length === 0) return { type: "done", summary: `nothing was paused on ${ctx.target.name}` };
    if (resumed.length > 0) await ctx.note(`GitOps resumed: ${resumed.join(", ")}`);
    return {
      type: "done",
      summary: `resumed ${target.length} on ${ctx.target.name}: ${describePauses(target, clusterOf(ctx))}; ${ctx.source.name}'s stay paused until decommission`,
    };
  },
  async verify(ctx) {
    const target = ((await handoffSnapshot(ctx))?.pauses ?? []).filter((p) => p.side === "target");
    return verifyStates(ctx, target, "original");
  },
  async compensate(ctx) {
    // Before the handoff is undone (it suspends the target's copies again), the target's controllers
    // must stop syncing, or they would restart them beside the source.
    const target = ((await handoffSnapshot(ctx))?.pauses ?? []).filter((p) => p.side === "target");
    const paused = await ctx.ports.clusters.pauseGitOps(ctx, target);
    if (paused.length > 0) await ctx.note(`GitOps paused again for the rollback: ${paused.join(", ")}`);
  },
};
