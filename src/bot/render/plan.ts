// `/migrate plan <env>`: the dry run, as an ephemeral message a person can read on a phone.

import type { PlanPreview } from "../../migration/commands.js";
import type { Finding, Severity } from "../../migration/types.js";
import type { RenderedMessage } from "./blocks.js";
import { escapeMrkdwn, slackTime, truncate } from "./format.js";
import { linesMessage } from "./replies.js";

const SEVERITY_ORDER: Record<Severity, number> = { blocking: 0, warning: 1, info: 2 };

export function severityEmoji(s: Severity): string {
  switch (s) {
    case "blocking":
      return ":no_entry:";
    case "warning":
      return ":warning:";
    case "info":
      return ":information_source:";
  }
}

/** One finding as one or two lines: what, the fix, and up to five subjects. */
export function findingLines(f: Finding): string[] {
  const out = [
    `${severityEmoji(f.severity)} \`${escapeMrkdwn(truncate(f.code, 60))}\` ${escapeMrkdwn(truncate(f.message, 400))}`,
  ];
  const extra: string[] = [];
  if (f.fix) extra.push(`fix: ${escapeMrkdwn(truncate(f.fix, 300))}`);
  if (f.subjects && f.subjects.length > 0) {
    const shown = f.subjects.slice(0, 5).map((s) => `\`${escapeMrkdwn(truncate(s, 80))}\``);
    const more = f.subjects.length > 5 ? ` +${f.subjects.length - 5} more` : "";
    extra.push(`${shown.join(", ")}${more}`);
  }
  if (extra.length > 0) out.push(`      ${extra.join(" · ")}`);
  return out;
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

export function planMessage(p: PlanPreview): RenderedMessage {
  const blocking = p.findings.filter((f) => f.severity === "blocking").length;
  const lines = [
    `*Plan for ${escapeMrkdwn(p.env)}* (dry run: nothing was changed)`,
    `\`${p.source}\` → \`${p.target}\` · target: ${escapeMrkdwn(truncate(p.targetReason, 300))}`,
    blocking > 0
      ? `:no_entry: ${blocking} blocking finding${blocking > 1 ? "s" : ""}: a migration would stop at preflight. Fix ${blocking > 1 ? "them" : "it"} first.`
      : ":white_check_mark: Preflight found nothing blocking.",
  ];
  if (p.findings.length > 0) {
    lines.push("", "*Findings*");
    const sorted = sortFindings(p.findings);
    for (const f of sorted.slice(0, 30)) lines.push(...findingLines(f));
    if (sorted.length > 30) lines.push(`… and ${sorted.length - 30} more findings`);
  }
  const counts = Object.entries(p.inventory.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${escapeMrkdwn(kind)} ${n}`);
  lines.push("", `*Would move*: ${counts.length > 0 ? counts.join(" · ") : "nothing found"}`);
  lines.push(`Restored first (tolerate running twice): ${p.inventory.tolerant}`);
  if (p.inventory.forbidden.length > 0) {
    const shown = p.inventory.forbidden.slice(0, 10).map((f) => `\`${escapeMrkdwn(truncate(f, 80))}\``);
    const more = p.inventory.forbidden.length > 10 ? ` +${p.inventory.forbidden.length - 10} more` : "";
    lines.push(
      `Handed off (must never run twice): ${p.inventory.forbidden.length}: ${shown.join(", ")}${more}`,
    );
  }
  lines.push("", "*Steps*");
  p.steps.slice(0, 60).forEach((s, i) => {
    lines.push(`${i + 1}. ${escapeMrkdwn(truncate(s.title, 80))}${s.effect ? "" : " _(no change)_"}`);
  });
  if (p.steps.length > 60) lines.push(`… and ${p.steps.length - 60} more steps`);
  if (p.cutoverSafeAfterMs !== undefined)
    lines.push(`Cutover is safe after ${slackTime(p.cutoverSafeAfterMs)} (DNS TTL lowering).`);
  lines.push("", `Start it with \`/migrate start ${p.env} to ${p.target}\``);
  return linesMessage(lines);
}
