// The summary posted in the thread when a migration ends. Pure: report in, text out; stays within one
// section's 3000 characters by capping each list and saying how many were left out.

import type { MigrationReport } from "../../migration/report.js";
import { LIMITS } from "./blocks.js";
import {
  escapeMrkdwn,
  formatDuration,
  statusEmoji,
  statusLabel,
  stepEmoji,
  truncate,
  utcClock,
} from "./format.js";
import { auditText, nameOf } from "./thread.js";

const MAX_ROWS = 8;

function capped<T>(items: readonly T[], line: (item: T) => string, max = MAX_ROWS): string[] {
  const out = items.slice(0, max).map(line);
  if (items.length > max) out.push(`…and ${items.length - max} more`);
  return out;
}

export function renderReport(
  r: MigrationReport,
  names: Readonly<Record<string, string>> = {},
  /** Refusals the capped audit stream counted but did not keep one by one. */
  droppedAudit = 0,
): string {
  // Names, not mentions: the summary must not page anyone; anything a person typed is escaped.
  const who = (id: string) => {
    const name = nameOf(names, id);
    return name ? `@${escapeMrkdwn(name)}` : escapeMrkdwn(id);
  };
  const plain = (text: string) => auditText(text, names);
  const lines: string[] = [
    `${statusEmoji(r.status)} *Summary of ${r.id}*: ${statusLabel(r.status)}${r.durationMs !== undefined ? ` in ${formatDuration(r.durationMs)}` : ""} · ${r.source} → ${r.target} · started by ${who(r.startedBy)}`,
  ];
  lines.push(
    "*Steps*",
    ...r.steps
      .filter((s) => s.state !== "pending" && s.state !== "skipped")
      .map(
        (s) =>
          `${stepEmoji(s.state)} ${s.title}${s.durationMs !== undefined ? ` · ${formatDuration(s.durationMs)}` : ""}`,
      ),
  );
  if (r.approvals.length > 0) {
    lines.push("*Approvals*", ...r.approvals.map((a) => `• ${a.step}: ${who(a.by)} at ${utcClock(a.at)}`));
  }
  if (r.handoffGaps.length > 0) {
    const worst = r.handoffGaps[0]!.gapMs;
    lines.push(
      `*Handoff gaps* (stopped on ${r.source} → started on ${r.target}; longest ${formatDuration(worst)})`,
      ...capped(r.handoffGaps, (g) => `• ${escapeMrkdwn(g.resource)}: ${(g.gapMs / 1000).toFixed(1)} s`),
    );
  }
  if (r.handoffOverBudget && r.handoffOverBudget.resources.length > 0) {
    lines.push(
      `*Over the handoff budget* (${formatDuration(r.handoffOverBudget.budgetMs)})`,
      ...capped(r.handoffOverBudget.resources, (x) => `• ${escapeMrkdwn(truncate(x, 200))}`),
    );
  }
  if (r.missedRuns && r.missedRuns.length > 0) {
    lines.push(
      "*Schedule times in a gap*",
      ...capped(r.missedRuns, (x) => `• ${escapeMrkdwn(truncate(x, 200))}`),
    );
  }
  if (r.dnsChanges.length > 0) {
    lines.push(
      "*DNS changes*",
      ...capped(
        r.dnsChanges,
        (c) =>
          `• ${c.weight !== undefined ? `new ${c.weight}%` : "change"} ${c.changeId}: submitted ${utcClock(c.submittedAt)}, INSYNC after ${((c.insyncAt - c.submittedAt) / 1000).toFixed(1)} s`,
      ),
    );
  }
  if (r.acceptedWarnings.length > 0) {
    lines.push(
      "*Preflight warnings accepted*",
      ...capped(r.acceptedWarnings, (f) => `• ${escapeMrkdwn(truncate(f.message, 200))}`),
    );
  }
  if (r.rollback)
    lines.push(
      `*Rolled back* by ${who(r.rollback.by)} at ${utcClock(r.rollback.at)}: ${plain(truncate(r.rollback.reason, 200))}`,
    );
  if (r.error) lines.push(`*Error*: ${plain(truncate(r.error, 400))}`);
  if (droppedAudit > 0)
    lines.push(`*Audit*: ${droppedAudit} further refusals were counted but not kept one by one (audit cap)`);
  lines.push(`*Next*: ${r.nextSteps}`);
  return truncate(lines.join("\n"), LIMITS.sectionText);
}
