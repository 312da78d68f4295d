// Ephemeral replies to a person: status, history, help, refusals. Pure text in, Block Kit out.

import type { HistoryEntry, MigrationView, Rejection } from "../../migration/commands.js";
import type { Migration } from "../../migration/types.js";
import type { InternalFailure } from "../log.js";
import { SUBCOMMANDS, type Subcommand, USAGE } from "../parse.js";
import { type Block, chunkLines, LIMITS, type RenderedMessage, section } from "./blocks.js";
import {
  channelLink,
  escapeMrkdwn,
  formatDuration,
  mention,
  progressText,
  statusEmoji,
  statusLabel,
  stepEmoji,
  truncate,
  utcDateTime,
} from "./format.js";

/** Lines of mrkdwn as an ephemeral message: sections of at most 3000 characters, at most 50 blocks. */
export function linesMessage(lines: readonly string[]): RenderedMessage {
  const blocks: Block[] = chunkLines(lines)
    .slice(0, LIMITS.blocks)
    .map((t) => section(t));
  const text = truncate(lines.find((l) => l.trim().length > 0) ?? "hikkoshi", 300);
  return { text, blocks };
}

/** `Cutover gate` at step 6/11, in a person's words. */
export function describeCurrent(m: Migration): string {
  const step = m.steps[m.cursor];
  const at = step
    ? ` at "${escapeMrkdwn(truncate(step.title, 60))}" (step ${m.cursor + 1}/${m.steps.length})`
    : "";
  return `${statusEmoji(m.status)} ${statusLabel(m.status)}${at}, version ${m.version}`;
}

export function rejectionMessage(r: Rejection): RenderedMessage {
  const lines = [`:no_entry_sign: ${truncate(r.message, 1500)}`];
  if (r.current) lines.push(`Now: \`${r.current.id}\` is ${describeCurrent(r.current)}.`);
  return linesMessage(lines);
}

/**
 * An unexpected failure as the person sees it: what could not be done, why in their words, what to
 * check, and a reference to the log line. Never the error's own text.
 */
export function failureMessage(what: string, failure: InternalFailure, check: string): RenderedMessage {
  const why =
    failure.cause === "state-store"
      ? "the bot could not read or write its state (Redis)"
      : "the bot hit an internal error";
  return linesMessage([
    `:boom: ${what} could not be completed: ${why}. Check \`${check}\` before trying again.`,
    `Reference \`${failure.ref}\` (the details are in the bot's log).`,
  ]);
}

export function errorMessage(message: string, usage?: string): RenderedMessage {
  const lines = [`:warning: ${escapeMrkdwn(truncate(message, 1500))}`];
  if (usage && !message.includes(usage)) lines.push(`Usage: \`${usage}\``);
  return linesMessage(lines);
}

export function statusMessage(
  views: readonly MigrationView[],
  envs: readonly string[],
  env: string | undefined,
  now: number,
): RenderedMessage {
  if (views.length === 0) {
    return linesMessage([
      env !== undefined
        ? `No migration is running in *${env}*. Dry run: \`/migrate plan ${env}\`; start: \`/migrate start ${env}\`.`
        : `No migration is running. Environments: ${envs.join(", ")}.`,
    ]);
  }
  const lines: string[] = [];
  for (const { migration: m, progress } of views.slice(0, 20)) {
    const step = m.steps[m.cursor];
    lines.push(
      `*${escapeMrkdwn(m.env)}* · ${statusEmoji(m.status)} ${statusLabel(m.status)} · \`${m.id}\` v${m.version}`,
    );
    lines.push(
      `\`${m.source}\` → \`${m.target}\` · started by ${mention(m.startedBy)} ${formatDuration(now - m.createdAt)} ago`,
    );
    if (step) {
      const p = progress[step.id];
      const done = m.steps.filter((s) => s.status.state === "succeeded").length;
      lines.push(
        `Now: ${stepEmoji(step.status.state)} ${escapeMrkdwn(truncate(step.title, 60))} (step ${m.cursor + 1}/${m.steps.length}, ${done} done)${p ? ` · ${progressText(p)}` : ""}`,
      );
    }
    if (m.error) lines.push(`:warning: ${escapeMrkdwn(truncate(m.error, 300))}`);
    if (m.slack) lines.push(`Live message in ${channelLink(m.slack.channel)}.`);
    lines.push("");
  }
  return linesMessage(lines);
}

export function historyMessage(env: string, entries: readonly HistoryEntry[]): RenderedMessage {
  if (entries.length === 0) return linesMessage([`No migrations recorded for *${env}* yet.`]);
  const lines = [`*Recent migrations of ${env}*`];
  for (const e of entries.slice(0, 25)) {
    const took = e.finishedAt !== undefined ? ` · took ${formatDuration(e.finishedAt - e.createdAt)}` : "";
    lines.push(
      `${statusEmoji(e.status)} \`${e.id}\` ${statusLabel(e.status)} · \`${e.source}\` → \`${e.target}\` · ${mention(e.startedBy)} · ${utcDateTime(e.createdAt)}${took}`,
    );
  }
  return linesMessage(lines);
}

const DESCRIPTION: Record<Subcommand, string> = {
  start: "start a migration (default target: the newest cluster DNS does not point at)",
  plan: "dry run: preflight findings and what would move; changes nothing",
  status: "where running migrations are",
  approve: "approve the gate the migration waits at (cutover, decommission)",
  rollback: "undo every completed step in reverse order, from any point",
  retry: "re-run the step a migration halted at (new attempt; the failed one is kept)",
  abort: "stop a migration that has not changed anything yet",
  history: "recent migrations of an environment",
  help: "this help",
};

export function helpMessage(envs: readonly string[], topic?: Subcommand): RenderedMessage {
  if (topic !== undefined) return linesMessage([`\`${USAGE[topic]}\``, DESCRIPTION[topic]]);
  const lines = [
    "*hikkoshi* moves an environment to a new cluster, step by step, with rollback at any point.",
  ];
  for (const sub of SUBCOMMANDS) lines.push(`\`${USAGE[sub]}\`: ${DESCRIPTION[sub]}`);
  lines.push(`Environments: ${envs.join(", ")}`);
  return linesMessage(lines);
}
