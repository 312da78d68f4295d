import { missedRunText } from "../missedRunText.js";
import type { ForbiddenSnapshot, HandoffReport } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line for the checklist: counts, the longest gap against the budget, the first missed run. */
export function handoffSummary(report: HandoffReport, target: string): string {
  const worst = report.gaps.reduce((m, g) => Math.max(m, g.gapMs), 0);
  const budget = report.gapBudgetMs !== undefined ? ` (budget ${seconds(report.gapBudgetMs)})` : "";
  const parts = [
    `${report.cronJobsMoved} CronJobs, ${report.deploymentsMoved} Deployments moved; longest gap ${seconds(worst)}${budget}`,
  ];
  const over = report.overBudget ?? [];
  if (over.length > 0) parts.push(`${over.length} over budget`);
  const missed = report.missedRuns ?? [];
  const lost = missed.filter((m) => m.outcome === "lost");
  if (lost.length > 0) {
    parts.push(
      `${missedRunText(lost[0]!, target)}${lost.length > 1 ? ` (+${lost.length - 1} more runs lost)` : ""}`,
    );
  }
  const caught = missed.length - lost.length;
  if (caught > 0) parts.push(`${caught} missed run(s) caught up once on ${target}`);
  return parts.join("; ");
}

/**
 * Stops duplication-forbidden CronJobs and Deployments on the source, then starts them on the target.
 * The snapshot of original flags is taken once, before the first patch, so compensation restores them.
 * The stop and start moments live on the objects, so a retry after a crash reports the true gaps.
 */
export const handoff: StepDefinition = {
  kind: "handoff",
  async run(ctx) {
    const snapshot = await ctx.data.once<ForbiddenSnapshot>(DATA.forbiddenSnapshot, () =>
      ctx.ports.clusters.snapshotForbidden(ctx),
    );
    const report = await ctx.ports.clusters.handoff(ctx, snapshot, ctx.progress, ctx.signal, {
      note: (detail) => ctx.note(detail),
    });
    await ctx.data.set<HandoffReport>(DATA.handoff, report);
    for (const m of report.missedRuns ?? []) await ctx.note(missedRunText(m, ctx.target.name));
    if ((report.overBudget ?? []).length > 0 && report.gapBudgetMs !== undefined) {
      await ctx.note(
        `gap budget ${seconds(report.gapBudgetMs)} exceeded: ${report.overBudget!.slice(0, 20).join("; ")}`,
      );
    }
    return { type: "done", summary: handoffSummary(report, ctx.target.name) };
  },
  async compensate(ctx) {
    const snapshot = await ctx.data.get<ForbiddenSnapshot>(DATA.forbiddenSnapshot);
    if (snapshot) await ctx.ports.clusters.revertHandoff(ctx, snapshot, ctx.progress);
  },
};
