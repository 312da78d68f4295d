import type { ForbiddenSnapshot, HandoffReport } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * Stops duplication-forbidden CronJobs and Deployments on the source, then starts them on the target.
 * The snapshot of original flags is taken once, before the first patch, so compensation restores them.
 */
export const handoff: StepDefinition = {
  kind: "handoff",
  async run(ctx) {
    const snapshot = await ctx.data.once<ForbiddenSnapshot>(DATA.forbiddenSnapshot, () =>
      ctx.ports.clusters.snapshotForbidden(ctx),
    );
    const report = await ctx.ports.clusters.handoff(ctx, snapshot, ctx.progress, ctx.signal);
    await ctx.data.set<HandoffReport>(DATA.handoff, report);
    const worst = report.gaps.reduce((m, g) => Math.max(m, g.gapMs), 0);
    return {
      type: "done",
      summary: `${report.cronJobsMoved} CronJobs, ${report.deploymentsMoved} Deployments moved; longest gap ${(worst / 1000).toFixed(1)} s`,
    };
  },
  async compensate(ctx) {
    const snapshot = await ctx.data.get<ForbiddenSnapshot>(DATA.forbiddenSnapshot);
    if (snapshot) await ctx.ports.clusters.revertHandoff(ctx, snapshot, ctx.progress);
  },
};
