import { missedRunText } from "../missedRunText.js";
import type { ForbiddenSnapshot, HandoffReport, Verification } from "../ports.js";
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
 * The handoff's read-back, pure: from a fresh snapshot of both clusters, every forbidden CronJob that ran
 * on the source is now suspended there and running on the target, the others are suspended on the
 * target; every forbidden Deployment is at 0 on the source and at the source's replicas on the target.
 */
export function checkHandoff(
  before: ForbiddenSnapshot,
  now: ForbiddenSnapshot,
  source: string,
  target: string,
): Verification {
  const wrong: string[] = [];
  const cron = new Map(now.cronJobs.map((c) => [`${c.namespace}/${c.name}`, c]));
  for (const c of before.cronJobs) {
    const k = `${c.namespace}/${c.name}`;
    const cur = cron.get(k);
    if (c.source?.suspend === false) {
      if (cur?.source && !cur.source.suspend) wrong.push(`CronJob ${k} is running on ${source}`);
      if (!cur?.target) wrong.push(`CronJob ${k} is missing on ${target}`);
      else if (cur.target.suspend) wrong.push(`CronJob ${k} is suspended on ${target}`);
    } else if (cur?.target && !cur.target.suspend && c.target?.suspend !== false) {
      wrong.push(`CronJob ${k} is running on ${target} although it did not run on ${source}`);
    }
  }
  const deploy = new Map(now.deployments.map((d) => [`${d.namespace}/${d.name}`, d]));
  for (const d of before.deployments) {
    if (d.sourceReplicas === null || d.sourceReplicas === 0) continue;
    const k = `${d.namespace}/${d.name}`;
    const cur = deploy.get(k);
    if ((cur?.sourceReplicas ?? 0) > 0)
      wrong.push(`Deployment ${k} has ${cur?.sourceReplicas} replica(s) on ${source}`);
    if (cur?.targetReplicas !== d.sourceReplicas)
      wrong.push(
        `Deployment ${k} has ${cur?.targetReplicas ?? "no"} replica(s) on ${target}, not ${d.sourceReplicas}`,
      );
  }
  if (wrong.length === 0) return { ok: true };
  const more = wrong.length > 5 ? ` and ${wrong.length - 5} more` : "";
  return { ok: false, reason: `the handoff does not read back: ${wrong.slice(0, 5).join("; ")}${more}` };
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
  /** Reads the suspend flags and replicas back on both clusters. */
  async verify(ctx) {
    const before = await ctx.data.get<ForbiddenSnapshot>(DATA.forbiddenSnapshot);
    if (!before) return { ok: true };
    const now = await ctx.ports.clusters.snapshotForbidden(ctx);
    return checkHandoff(before, now, ctx.source.name, ctx.target.name);
  },
  async compensate(ctx) {
    const snapshot = await ctx.data.get<ForbiddenSnapshot>(DATA.forbiddenSnapshot);
    if (snapshot) await ctx.ports.clusters.revertHandoff(ctx, snapshot, ctx.progress);
  },
};
