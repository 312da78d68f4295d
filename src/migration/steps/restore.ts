import type { BackupReport, RestoreReport } from "../ports.js";
import { backupName, failedAttemptNote } from "./backup.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * Restores duplication-tolerant resources into the target, and the forbidden ones suspended, from the
 * Backup attempt that completed. Reads the target's new load-balancer hostname, which the rest of the run
 * points traffic at. A failed Restore is kept and the retry creates the next attempt.
 */
export const restore: StepDefinition = {
  kind: "restore",
  async run(ctx) {
    const backup = await ctx.data.get<BackupReport>(DATA.backup);
    const report = await ctx.ports.clusters.restore(
      ctx,
      backup?.name ?? backupName(ctx.migrationId),
      ctx.progress,
      ctx.signal,
    );
    await ctx.data.set<RestoreReport>(DATA.restore, report);
    await ctx.data.set(DATA.targetIngress, report.targetIngressHostname);
    for (const a of report.failedAttempts ?? []) {
      const next = report.restores.find((r) => r.name.startsWith(a.name.replace(/-r\d+$/, "")))?.name;
      await ctx.note(failedAttemptNote("Restore", a, next ?? "a new attempt"));
    }
    const items = report.restores.reduce((n, r) => n + r.itemsRestored, 0);
    return { type: "done", summary: `${items} items; target ingress ${report.targetIngressHostname}` };
  },
};
