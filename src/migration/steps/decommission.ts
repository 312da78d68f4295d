import type { WorkloadSnapshot } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Scales the source to zero and labels it retired; deleting the cluster stays with its own code. */
export const decommission: StepDefinition = {
  kind: "decommission",
  async run(ctx) {
    const snapshot = await ctx.data.once<WorkloadSnapshot>(DATA.workloadSnapshot, () =>
      ctx.ports.clusters.snapshotWorkloads(ctx),
    );
    await ctx.ports.clusters.decommission(ctx, snapshot, ctx.progress);
    return {
      type: "done",
      summary: `${snapshot.workloads.length} workloads on ${ctx.source.name} scaled to 0 and labelled retired; delete the cluster with its infrastructure code`,
    };
  },
  async compensate(ctx) {
    const snapshot = await ctx.data.get<WorkloadSnapshot>(DATA.workloadSnapshot);
    if (snapshot) await ctx.ports.clusters.revertDecommission(ctx, snapshot, ctx.progress);
  },
};
