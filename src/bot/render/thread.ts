// Replies in the live message's thread: audit entries, preflight findings, errors. Pure.

import type { AuditEntry } from "../../migration/commands.js";
import type { Finding } from "../../migration/types.js";
import { LIMITS } from "./blocks.js";
import { escapeMrkdwn, isUserId, truncate, utcClock } from "./format.js";
import { findingLines, sortFindings } from "./plan.js";

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

/** Slack user ids in the audit trail: the actors and the ids the engine names in details. */
export function userIdsIn(entries: readonly AuditEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (isUserId(e.actor)) ids.add(e.actor);
    for (const m of e.detail.matchAll(ID_TOKEN)) {
      const id = m[1] ?? m[2];
      if (isUserId(id)) ids.add(id);
    }
  }
  return [...ids];
}

/** A user id as the engine writes it in a detail: bare (with a digit, unlike a word), or as `<@U…>`. */
const ID_TOKEN = /<@([UW][A-Z0-9]{2,30})>|\b([UW](?=[A-Z]*[0-9])[A-Z0-9]{2,30})\b/g;

/**
 * Text from the audit trail as thread text: escaped with the one escaping function (so text a person
 * typed can never ping or link), then ids the bot resolved shown as names. No mentions at all: a thread
 * reply that mentions someone notifies them, and nobody should be paged at 3 a.m. by their own click.
 */
export function auditText(text: string, names: Readonly<Record<string, string>>): string {
  const plainIds = text.replace(/<@([UW][A-Z0-9]{2,30})>/g, "$1");
  return escapeMrkdwn(plainIds).replace(ID_TOKEN, (m, a?: string, b?: string) => {
    const name = nameOf(names, a ?? b ?? "");
    return name ? `@${escapeMrkdwn(name)}` : m;
  });
}

/** A resolved display name (own keys only: an id like `toString` is not a name). */
export function nameOf(names: Readonly<Record<string, string>>, id: string): string | undefined {
  return Object.hasOwn(names, id) && typeof names[id] === "string" ? names[id] : undefined;
}

export function auditLine(e: AuditEntry, names: Readonly<Record<string, string>> = {}): string {
  const who = e.actor === "system" ? "hikkoshi" : auditText(truncate(e.actor, 40), names);
  const detail = truncate(auditText(e.detail, names), 600);
  return `${outcomeEmoji(e.outcome)} ${utcClock(e.at)} ${who} *${escapeMrkdwn(truncate(e.action, 40))}*: ${detail}`;
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
