import type { GitOpsSnapshot, GuardStop } from "../ports.js";
import { clusterOf, describeGuard, describePauses, GITOPS_DATA, verifyPaused } from "./gitopsData.js";
import type { StepContext, StepDefinition } from "./stepDefinition.js";

async function decommissionSnapshot(ctx: StepContext) {
  return ctx.data.once<GitOpsSnapshot>(GITOPS_DATA.decommissionSnapshot, async () => {
    const s = await ctx.ports.clusters.snapshotGitOps(ctx, "decommission");
    // The target's workloads are not decommissioned; controllers paused for the handoff are already off.
    return { ...s, pauses: s.pauses.filter((p) => p.side === "source") };
  });
}

/**
 * Right before the decommission, pauses the source's controllers that would scale its workloads back
 * up. Also reports what the source guard stopped between the handoff and now.
 */
export const pauseSourceGitOps: StepDefinition = {
  kind: "pause-source-gitops",
  async run(ctx) {
    const snapshot = await decommissionSnapshot(ctx);
    const stops = (await ctx.data.get<GuardStop[]>(GITOPS_DATA.guardStops)) ?? [];
    const changed = await ctx.ports.clusters.pauseGitOps(ctx, snapshot.pauses);
    if (changed.length > 0) await ctx.note(`GitOps paused for the decommission: ${changed.join(", ")}`);
    const paused =
      snapshot.pauses.length === 0
        ? "no other GitOps controller would scale the source back up"
        : `paused ${snapshot.pauses.length} on ${ctx.source.name}: ${describePauses(snapshot.pauses, clusterOf(ctx))}`;
    return { type: "done", summary: `${paused}; ${describeGuard(stops)}` };
  },
  verify: verifyPaused(GITOPS_DATA.decommissionSnapshot),
  async compensate(ctx) {
    const snapshot = await ctx.data.get<GitOpsSnapshot>(GITOPS_DATA.decommissionSnapshot);
    if (!snapshot) return;
    const resumed = await ctx.ports.clusters.resumeGitOps(ctx, snapshot.pauses);
    if (resumed.length > 0)
      await ctx.note(`GitOps resumed with their original settings: ${resumed.join(", ")}`);
  },
};
