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
  /** Reads the source's workloads again: every one scaled down must still be at 0 (GitOps may scale it back). */
  async verify(ctx) {
    const before = await ctx.data.get<WorkloadSnapshot>(DATA.workloadSnapshot);
    if (!before) return { ok: true };
    const now = await ctx.ports.clusters.snapshotWorkloads(ctx);
    const scaled = new Set(before.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`));
    const running = now.workloads
      .filter((w) => w.replicas > 0 && scaled.has(`${w.kind} ${w.namespace}/${w.name}`))
      .map((w) => `${w.kind} ${w.namespace}/${w.name} has ${w.replicas} replica(s)`);
    if (running.length === 0) return { ok: true };
    const more = running.length > 5 ? ` and ${running.length - 5} more` : "";
    return {
      ok: false,
      reason: `${ctx.source.name} is serving again after being scaled to 0: ${running.slice(0, 5).join("; ")}${more}; something (a GitOps controller?) scales it back`,
    };
  },
  async compensate(ctx) {
    const snapshot = await ctx.data.get<WorkloadSnapshot>(DATA.workloadSnapshot);
    if (snapshot) await ctx.ports.clusters.revertDecommission(ctx, snapshot, ctx.progress);
  },
};
