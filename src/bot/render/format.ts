// Small pure formatting helpers shared by the renderers: durations, times, emoji, progress bars,
// truncation that never breaks a Slack escape.

import type { MigrationStatus, Progress, StepState } from "../../migration/types.js";

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `14:32 UTC` (fallback text; Slack clients show `<!date>` in the reader's own time zone). */
export function utcClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}

export function utcDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Slack's date formatting token: shown in the reader's time zone, with a UTC fallback. */
export function slackTime(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{time}|${utcClock(ms)}>`;
}

// Control characters (a tab and a newline stay) and the bidirectional overrides that can make a line
// read backwards in a client.
const INVISIBLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * THE escaping function for every text that did not come from the bot itself and is echoed back in
 * mrkdwn (command arguments, button values, ids, error texts, step titles, findings): it can then form
 * no mention (`<!here>`, `<!subteam^…>`, `<@U…>`), no link, no date token, and cannot close a code
 * span the bot opened (a backtick becomes `ˋ`, U+02CB, which reads the same). Slack decodes exactly
 * `&amp;`, `&lt;` and `&gt;`, so the text reads as typed.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(INVISIBLE, (c) => (c === "\n" || c === "\t" ? c : ""))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/`/g, "\u02cb");
}

// Slack ids as Slack issues them: a type letter, then upper-case letters and digits.
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;

export function isUserId(value: unknown): value is string {
  return typeof value === "string" && USER_ID.test(value);
}

export function isChannelId(value: unknown): value is string {
  return typeof value === "string" && CHANNEL_ID.test(value);
}

/**
 * A mention, only of an id the bot itself resolved (the signed payload's user, the config's approvers)
 * and only when it has the shape of a user id; anything else is shown as escaped text.
 */
export function mention(userId: string): string {
  return isUserId(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A channel link, under the same rule as `mention`. */
export function channelLink(channelId: string): string {
  return isChannelId(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** Cut to `max` characters (with an ellipsis), without splitting an `&amp;`-style escape. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  let cut = text.slice(0, max - 1);
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && amp >= cut.length - 5 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  return `${cut}…`;
}

export function firstLine(text: string): string {
  const i = text.indexOf("\n");
  return i < 0 ? text : text.slice(0, i);
}

export function stepEmoji(state: StepState): string {
  switch (state) {
    case "pending":
      return ":white_circle:";
    case "running":
      return ":arrows_counterclockwise:";
    case "waiting":
      return ":hourglass_flowing_sand:";
    case "awaiting-approval":
      return ":raised_hand:";
    case "succeeded":
      return ":white_check_mark:";
    case "failed":
      return ":x:";
    case "interrupted":
      return ":octagonal_sign:";
    case "compensating":
      return ":rewind:";
    case "compensated":
      return ":leftwards_arrow_with_hook:";
    case "compensation-failed":
      return ":bangbang:";
    case "skipped":
      return ":fast_forward:";
  }
}

export function statusEmoji(status: MigrationStatus): string {
  switch (status) {
    case "running":
      return ":arrow_forward:";
    case "awaiting-approval":
      return ":raised_hand:";
    case "halted":
      return ":warning:";
    case "rolling-back":
      return ":rewind:";
    case "rollback-failed":
      return ":rotating_light:";
    case "completed":
      return ":tada:";
    case "rolled-back":
      return ":leftwards_arrow_with_hook:";
    case "blocked":
      return ":no_entry:";
    case "aborted":
      return ":black_square_for_stop:";
  }
}

export function statusLabel(status: MigrationStatus): string {
  switch (status) {
    case "running":
      return "running";
    case "awaiting-approval":
      return "waiting for approval";
    case "halted":
      return "halted: roll back, or fix and retry";
    case "rolling-back":
      return "rolling back";
    case "rollback-failed":
      return "rollback failed: retry the rollback";
    case "completed":
      return "completed";
    case "rolled-back":
      return "rolled back";
    case "blocked":
      return "blocked by preflight (nothing changed)";
    case "aborted":
      return "aborted";
  }
}

const BAR_CELLS = 8;

/** `▓▓▓▓▓░░░ 412/800 items · new 50% · old 50%` */
export function progressText(p: Progress): string {
  const parts: string[] = [];
  if (p.total > 0) {
    const done = Math.min(Math.max(p.done, 0), p.total);
    const filled = Math.round((done / p.total) * BAR_CELLS);
    const unit = truncate(p.unit, 24);
    parts.push(
      `${"▓".repeat(filled)}${"░".repeat(BAR_CELLS - filled)} ${p.done}/${p.total} ${unit}`.trimEnd(),
    );
  }
  if (p.note !== undefined && p.note.length > 0) parts.push(truncate(p.note, 60));
  return parts.join(" · ");
}
