// What a migration did, for the summary posted in its thread when it ends. A pure function of the record
// and the data its steps stored.

import { missedRunText } from "./missedRunText.js";
import type { DnsChangeReport, HandoffReport } from "./ports.js";
import type { Finding, Migration, MigrationStatus, StepState } from "./types.js";

export interface MigrationReport {
  id: string;
  env: string;
  source: string;
  target: string;
  status: MigrationStatus;
  startedBy: string;
  createdAt: number;
  finishedAt?: number;
  durationMs?: number;
  steps: Array<{ id: string; title: string; state: StepState; durationMs?: number; summary?: string }>;
  approvals: Array<{ step: string; by: string; at: number }>;
  /** Per duplication-forbidden resource: time between stopped on the source and started on the target. */
  handoffGaps: Array<{ resource: string; gapMs: number }>;
  /** Schedule times inside a gap, one sentence each (lost on both clusters, or run once on the target). */
  missedRuns?: string[];
  /** `resource: gap, why` for each gap over the budget, and the budget. */
  handoffOverBudget?: { budgetMs: number; resources: string[] };
  dnsChanges: Array<{ weight?: number; changeId: string; submittedAt: number; insyncAt: number }>;
  acceptedWarnings: Finding[];
  rollback?: { by: string; at: number; reason: string };
  error?: string;
  /** What is left for people to do, in a sentence. */
  nextSteps: string;
}

export interface ReportData {
  handoff?: HandoffReport;
  dnsChanges?: Array<DnsChangeReport & { weight?: number }>;
}

function nextSteps(m: Migration): string {
  switch (m.status) {
    case "completed":
      return `${m.source} serves nothing now and is marked retired; delete it with its infrastructure code when you are ready (hikkoshi does not delete clusters).`;
    case "rolled-back":
      return `everything is back on ${m.source}; ${m.target} still holds the restored copy (suspended where it matters) for a later attempt.`;
    case "blocked":
      return "nothing was changed; fix the blocking findings listed above, then start again.";
    case "aborted":
      return "nothing was changed; start again when ready.";
    case "halted":
    case "rollback-failed":
    case "running":
    case "awaiting-approval":
    case "rolling-back":
      return "the migration has not ended.";
  }
}

export function buildReport(m: Migration, data: ReportData): MigrationReport {
  const titleOf = (stepId: string) => m.steps.find((s) => s.id === stepId)?.title ?? stepId;
  return {
    id: m.id,
    env: m.env,
    source: m.source,
    target: m.target,
    status: m.status,
    startedBy: m.startedBy,
    createdAt: m.createdAt,
    ...(m.finishedAt !== undefined
      ? { finishedAt: m.finishedAt, durationMs: m.finishedAt - m.createdAt }
      : {}),
    steps: m.steps.map((s) => {
      const st = s.status;
      const timed =
        "finishedAt" in st && "startedAt" in st ? { durationMs: st.finishedAt - st.startedAt } : {};
      const summary =
        st.state === "succeeded" && st.summary
          ? { summary: st.summary }
          : st.state === "failed"
            ? { summary: st.error }
            : {};
      return { id: s.id, title: s.title, state: st.state, ...timed, ...summary };
    }),
    approvals: m.approvals.map((a) => ({ step: titleOf(a.stepId), by: a.by, at: a.at })),
    handoffGaps: [...(data.handoff?.gaps ?? [])]
      .map((g) => ({ resource: g.resource, gapMs: g.gapMs }))
      .sort((a, b) => b.gapMs - a.gapMs),
    ...(data.handoff?.missedRuns?.length
      ? { missedRuns: data.handoff.missedRuns.map((r) => missedRunText(r, m.target)) }
      : {}),
    ...(data.handoff?.overBudget?.length && data.handoff.gapBudgetMs !== undefined
      ? { handoffOverBudget: { budgetMs: data.handoff.gapBudgetMs, resources: data.handoff.overBudget } }
      : {}),
    dnsChanges: (data.dnsChanges ?? []).map((c) => ({
      ...(c.weight !== undefined ? { weight: c.weight } : {}),
      changeId: c.changeId,
      submittedAt: c.submittedAt,
      insyncAt: c.insyncAt,
    })),
    acceptedWarnings: m.findings.filter((f) => f.severity === "warning"),
    ...(m.rollback ? { rollback: { by: m.rollback.by, at: m.rollback.at, reason: m.rollback.reason } } : {}),
    ...(m.error ? { error: m.error } : {}),
    nextSteps: nextSteps(m),
  };
}
