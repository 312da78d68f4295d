import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

export function backupName(migrationId: string): string {
  return `hikkoshi-${migrationId}`;
}

/** Velero Backup of the source; the name is derived from the migration id, so a retry finds it. */
export const backup: StepDefinition = {
  kind: "backup",
  async run(ctx) {
    const report = await ctx.ports.clusters.backup(
      ctx,
      backupName(ctx.migrationId),
      ctx.progress,
      ctx.signal,
    );
    await ctx.data.set(DATA.backup, report);
    const warn = report.warnings > 0 ? `, ${report.warnings} warning(s)` : "";
    return { type: "done", summary: `${report.name}: ${report.itemsBackedUp} items${warn}` };
  },
};
