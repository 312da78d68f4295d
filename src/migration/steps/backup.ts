import type { BackupReport, VeleroFailedAttempt } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

export function backupName(migrationId: string): string {
  return `hikkoshi-${migrationId}`;
}

/** The thread's line for a failed Velero attempt that a retry replaced (it is kept for inspection). */
export function failedAttemptNote(kind: "Backup" | "Restore", a: VeleroFailedAttempt, next: string): string {
  const why = a.reason ? `: ${a.reason}` : "";
  return `${kind} ${a.name} ended ${a.phase || "(no phase)"}${why}. Kept for inspection (\`${a.describeCommand}\`); retried as ${next}.`;
}

/**
 * Velero Backup of the source. Attempt names derive from the migration id (`hikkoshi-<id>`, then
 * `-r2`, ...), so a retry finds the attempt in flight, and a failed one is kept while the retry (the
 * step's own, or a new run of the step) creates the next.
 */
export const backup: StepDefinition = {
  kind: "backup",
  async run(ctx) {
    const report = await ctx.ports.clusters.backup(
      ctx,
      backupName(ctx.migrationId),
      ctx.progress,
      ctx.signal,
    );
    await ctx.data.set<BackupReport>(DATA.backup, report);
    const failed = report.failedAttempts ?? [];
    for (const [i, a] of failed.entries())
      await ctx.note(failedAttemptNote("Backup", a, failed[i + 1]?.name ?? report.name));
    const warn = report.warnings > 0 ? `, ${report.warnings} warning(s)` : "";
    const retried = failed.length > 0 ? ` (attempt ${failed.length + 1})` : "";
    return { type: "done", summary: `${report.name}: ${report.itemsBackedUp} items${warn}${retried}` };
  },
};
