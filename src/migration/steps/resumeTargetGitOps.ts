import { clusterOf, describePauses, handoffSnapshot, targetPauses, verifyStates } from "./gitopsData.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * After the handoff the target is the cluster that should run the forbidden resources, as Git says:
 * its controllers get their original settings back. The source's stay paused until decommission.
 */
export const resumeTargetGitOps: StepDefinition = {
  kind: "resume-target-gitops",
  async run(ctx) {
    const target = targetPauses(await handoffSnapshot(ctx));
    const resumed = await ctx.ports.clusters.resumeGitOps(ctx, target);
    if (resumed.length > 0) await ctx.note(`GitOps resumed: ${resumed.join(", ")}`);
    const states = await ctx.ports.clusters.readGitOps(ctx, target);
    const there = states.filter((s) => s.state !== "gone").map((s) => s.pause);
    if (there.length === 0) return { type: "done", summary: `nothing was paused on ${ctx.target.name}` };
    return {
      type: "done",
      summary: `resumed ${there.length} on ${ctx.target.name}: ${describePauses(there, clusterOf(ctx))}; ${ctx.source.name}'s stay paused until decommission`,
    };
  },
  async verify(ctx) {
    const target = targetPauses(await handoffSnapshot(ctx));
    return verifyStates(ctx, target, "original");
  },
  async compensate(ctx) {
    // Before the handoff is undone (it suspends the target's copies again), the target's controllers
    // must stop syncing, or they would restart them beside the source.
    const target = targetPauses(await handoffSnapshot(ctx));
    const paused = await ctx.ports.clusters.pauseGitOps(ctx, target);
    if (paused.length > 0) await ctx.note(`GitOps paused again for the rollback: ${paused.join(", ")}`);
  },
};
