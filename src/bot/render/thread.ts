// Replies in the live message's thread: audit entries, preflight findings, errors. Pure.

import type { AuditEntry } from "../../migration/commands.js";
import type { Finding } from "../../migration/types.js";
import { LIMITS } from "./blocks.js";
import { escapeMrkdwn, truncate, utcClock } from "./format.js";
import { findingLines, sortFindings } from "./plan.js";

/** Escape text but keep the mentions the engine writes on purpose (`<@U..>`, `<#C..>`, `<!subteam^S..>`). */
export function escapeKeepingMentions(text: string): string {
  const keep =
    /<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(\|[^<>]*)?|!subteam\^S[A-Z0-9]+|!date\^\d+\^[^|<>]*\|[^<>]*)>/g;
  let out = "";
  let last = 0;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  for (const m of text.matchAll(keep)) {
    out += esc(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + esc(text.slice(last));
}

function outcomeEmoji(outcome: AuditEntry["outcome"]): string {
  switch (outcome) {
    case "ok":
      return ":white_check_mark:";
    case "denied":
      return ":no_entry_sign:";
    case "failed":
      return ":x:";
    case "info":
      return ":information_source:";
  }
}

/** Slack user ids in the audit trail: the actors and the mentions in details. */
export function userIdsIn(entries: readonly AuditEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (/^[UW][A-Z0-9]+$/.test(e.actor)) ids.add(e.actor);
    for (const m of e.detail.matchAll(/<@([UW][A-Z0-9]+)>/g)) ids.add(m[1]!);
  }
  return [...ids];
}

/**
 * Names instead of mentions where known: a thread reply that mentions someone notifies them, and nobody
 * should be paged at 3 a.m. because the audit trail recorded their own click.
 */
function unmention(text: string, names: Readonly<Record<string, string>>): string {
  return text.replace(/<@([UW][A-Z0-9]+)>/g, (m, id: string) => (names[id] ? `@${names[id]}` : m));
}

export function auditLine(e: AuditEntry, names: Readonly<Record<string, string>> = {}): string {
  const who = e.actor === "system" ? "hikkoshi" : unmention(`<@${e.actor}>`, names);
  const detail = unmention(truncate(escapeKeepingMentions(e.detail), 600), names);
  return `${outcomeEmoji(e.outcome)} ${utcClock(e.at)} ${who} *${truncate(e.action, 40)}*: ${detail}`;
}

/** A refusal in the thread: the first one as it happened, then how many there have been. */
export function refusalLine(e: AuditEntry, names: Readonly<Record<string, string>> = {}, count = 1): string {
  const line = auditLine(e, names);
  return count <= 1 ? line : `${line} _(refused ${count} times, last at ${utcClock(e.at)})_`;
}

/** Audit entries as thread replies: as few messages as fit in one section each, with the last id in each. */
export function auditReplies(
  entries: readonly AuditEntry[],
  names: Readonly<Record<string, string>> = {},
): Array<{ text: string; lastId: string }> {
  const out: Array<{ text: string; lastId: string }> = [];
  let cur = "";
  let lastId = "";
  for (const e of entries) {
    const line = auditLine(e, names);
    if (cur.length > 0 && cur.length + 1 + line.length > LIMITS.sectionText) {
      out.push({ text: cur, lastId });
      cur = line;
    } else cur = cur.length > 0 ? `${cur}\n${line}` : line;
    lastId = e.id;
  }
  if (cur.length > 0) out.push({ text: cur, lastId });
  return out;
}

export function findingsReply(findings: readonly Finding[]): string {
  const lines = [`:mag: *Preflight findings* (${findings.length})`];
  for (const f of sortFindings(findings).slice(0, 25)) lines.push(...findingLines(f));
  if (findings.length > 25) lines.push(`… and ${findings.length - 25} more`);
  return truncate(lines.join("\n"), LIMITS.sectionText);
}

export function errorReply(error: string): string {
  const fence = "`".repeat(3);
  const body = escapeMrkdwn(truncate(error.split(fence).join("'''"), LIMITS.sectionText - 400));
  return `:x: *Error*\n${fence}${body}${fence}`;
}
