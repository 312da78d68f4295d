import { backupName } from "./backup.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * Restores duplication-tolerant resources into the target, and the forbidden ones suspended. Reads the
 * target's new load-balancer hostname, which the rest of the run points traffic at.
 */
export const restore: StepDefinition = {
  kind: "restore",
  async run(ctx) {
    const report = await ctx.ports.clusters.restore(
      ctx,
      backupName(ctx.migrationId),
      ctx.progress,
      ctx.signal,
    );
    await ctx.data.set(DATA.restore, report);
    await ctx.data.set(DATA.targetIngress, report.targetIngressHostname);
    const items = report.restores.reduce((n, r) => n + r.itemsRestored, 0);
    return { type: "done", summary: `${items} items; target ingress ${report.targetIngressHostname}` };
  },
};
