// The "Slack console": a recorded message (and its thread) as plain text, roughly as the Slack app shows
// it: mrkdwn markers removed, mentions and dates resolved, emoji as characters, buttons in brackets.

import { emojify } from "./emoji.js";
import type { SlackTestHost } from "./host.js";
import type { StoredMessage } from "./store.js";

export interface ConsoleNames {
  users?: Record<string, string>;
  channels?: Record<string, string>;
  groups?: Record<string, string>;
}

/** Slack mrkdwn to what a reader sees. */
export function mrkdwnToText(text: string, names: ConsoleNames = {}): string {
  const resolved = text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<@([UW][A-Z0-9]+)>/g, (_, id: string) => `@${names.users?.[id] ?? id}`)
    .replace(
      /<#([CG][A-Z0-9]+)(\|([^>]*))?>/g,
      (_, id: string, _l, label?: string) => `#${label ?? names.channels?.[id] ?? id}`,
    )
    .replace(
      /<!subteam\^([A-Z0-9]+)(\|([^>]*))?>/g,
      (_, id: string, _l, label?: string) => `@${label ?? names.groups?.[id] ?? id}`,
    )
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 ($1)");
  return emojify(resolved)
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1$2")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1$2")
    .replace(/(^|[^`])`([^`\n]+)`(?!`)/g, "$1$2")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function textOf(v: unknown): string {
  return typeof v === "object" && v !== null && typeof (v as { text?: unknown }).text === "string"
    ? (v as { text: string }).text
    : "";
}

/** Blocks as lines of text; falls back to the message text when there are no blocks. */
export function renderBlocksText(
  blocks: readonly unknown[],
  fallback: string,
  names: ConsoleNames = {},
): string {
  if (blocks.length === 0) return mrkdwnToText(fallback, names);
  const out: string[] = [];
  for (const raw of blocks) {
    const b = raw as { type?: string; text?: unknown; fields?: unknown[]; elements?: unknown[] };
    switch (b.type) {
      case "section":
      case "header":
        out.push(mrkdwnToText(textOf(b.text), names));
        for (const f of b.fields ?? []) out.push(`  ${mrkdwnToText(textOf(f), names)}`);
        break;
      case "context":
        out.push(`  ${(b.elements ?? []).map((e) => mrkdwnToText(textOf(e), names)).join("  ")}`);
        break;
      case "actions": {
        const buttons = (b.elements ?? []).map((e) => {
          const el = e as { text?: unknown; style?: string; confirm?: unknown };
          const marks = [el.style, el.confirm ? "confirm" : undefined].filter(Boolean).join(", ");
          return `[ ${textOf(el.text)}${marks ? ` (${marks})` : ""} ]`;
        });
        out.push(buttons.join(" "));
        break;
      }
      case "divider":
        out.push("────────");
        break;
      default:
        out.push(`(${String(b.type)} block)`);
    }
  }
  return out.join("\n");
}

export function renderMessageText(
  m: Pick<StoredMessage, "text" | "blocks">,
  names: ConsoleNames = {},
): string {
  return renderBlocksText(m.blocks, m.text, names);
}

/** A live message and its thread, as the console prints it. */
export function renderConversation(
  host: SlackTestHost,
  channel: string,
  ts: string,
  names: ConsoleNames = {},
): string {
  const m = host.message(channel, ts);
  if (!m) return `(no message ${channel}/${ts})`;
  const lines = [renderMessageText(m, names)];
  const replies = host.replies(channel, ts);
  if (replies.length > 0) {
    lines.push(`── thread (${replies.length}) ──`);
    for (const r of replies)
      lines.push(
        ...renderMessageText(r, names)
          .split("\n")
          .map((l) => `│ ${l}`),
      );
  }
  return lines.join("\n");
}
