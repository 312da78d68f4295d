// The thread cursor: preflight findings, errors and the audit trail go into the live message's thread in
// order, each once. The cursor (the last audit entry shown) is recorded after every reply, so a new owner
// neither repeats nor skips. Repeated refusals of one person at one gate become one counted line. A reply
// Slack refuses is shortened, then replaced by a note: one bad entry never stops the thread.

import type { AuditEntry, MigrationCommands } from "../../migration/commands.js";
import type { Migration } from "../../migration/types.js";
import type { Logger } from "../log.js";
import { auditReplies, errorReply, findingsReply, refusalLine, userIdsIn } from "../render/thread.js";
import { type PostArgs, type SlackApi, SlackPlatformError } from "../slackApi.js";
import { isContentRefusal } from "./message.js";
import type { LiveRef, LiveStore } from "./store.js";

export const AUDIT_PAGE = 200;

export interface ThreadState {
  /** Undefined until the thread is initialised for this owner. */
  cursor?: string;
  findingsPosted: boolean;
  lastError?: string;
  /** Counted refusal lines whose new count is still to be shown (key → reply and text). */
  pendingCounts: Map<string, { ts: string; text: string }>;
  /** Replies Slack refused, and how far each was cut already (a paused retry goes on from there). */
  refused: Map<string, number>;
}

export function freshThread(): ThreadState {
  return { findingsPosted: false, pendingCounts: new Map(), refused: new Map() };
}

export interface ThreadDeps {
  commands: Pick<MigrationCommands, "auditSince">;
  store: Pick<LiveStore, "setThreadCursor" | "noteRefusal" | "setRefusalLine">;
  api: Pick<SlackApi, "update">;
  /** A paced chat.postMessage. */
  post(args: PostArgs): Promise<{ channel: string; ts: string }>;
  names(ids: readonly string[]): Promise<Record<string, string>>;
  log: Logger;
}

/** Where an earlier owner left the thread, or (without a recorded cursor) the latest entry. */
export async function resumeThread(
  deps: Pick<ThreadDeps, "commands">,
  state: ThreadState,
  m: Migration,
  recorded: string | undefined,
): Promise<void> {
  state.cursor = recorded ?? (await latestAuditId(deps, m.id));
  state.findingsPosted = true;
  state.lastError = m.error;
  state.pendingCounts.clear();
}

async function latestAuditId(deps: Pick<ThreadDeps, "commands">, id: string): Promise<string> {
  let cursor = "0";
  for (let page = 0; page < 50; page++) {
    const batch = await deps.commands.auditSince(id, cursor, AUDIT_PAGE);
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1]!.id;
    if (batch.length < AUDIT_PAGE) break;
  }
  return cursor;
}

const SHORTENED = 2500;

/**
 * Post a reply; if Slack refuses its content, post a shortened one; if that is refused too, a note in
 * its place. Returns the ts of what was posted. Pauses and rate limits still throw (the flush comes back).
 */
export async function postReply(
  deps: ThreadDeps,
  refused: Map<string, number>,
  ref: LiveRef,
  text: string,
  what: string,
): Promise<string> {
  const attempts = [
    text,
    `${text.slice(0, SHORTENED)}… _(shortened: Slack refused the full text)_`,
    `:warning: ${what} could not be shown here (Slack refused it); see \`/migrate history\` for the full audit trail.`,
  ];
  for (let i = refused.get(text) ?? 0; ; i++) {
    try {
      const posted = await deps.post({ channel: ref.channel, threadTs: ref.ts, text: attempts[i]! });
      refused.delete(text);
      return posted.ts;
    } catch (err) {
      if (!isContentRefusal(err) || i === attempts.length - 1) throw err;
      deps.log.warn({ error: err.error, what }, "slack refused a thread reply; sending less");
      refused.set(text, i + 1);
      if (refused.size > 50) refused.delete(refused.keys().next().value as string);
    }
  }
}

/** The gate a refusal counts against: who, what, and the step the migration was at. */
export function refusalKey(e: AuditEntry, m: Migration): string {
  return `${e.actor}|${e.action}|${m.steps[m.cursor]?.id ?? "-"}`;
}

/** Brings the thread up to date; "more" when a full page was posted and another may follow. */
export async function advanceThread(
  deps: ThreadDeps,
  state: ThreadState,
  m: Migration,
  ref: LiveRef,
): Promise<"done" | "more"> {
  if (!state.findingsPosted && m.findings.length > 0) {
    await postReply(deps, state.refused, ref, findingsReply(m.findings), "the preflight findings");
    state.findingsPosted = true;
  }
  if (m.error && m.error !== state.lastError)
    await postReply(deps, state.refused, ref, errorReply(m.error), "the error");
  state.lastError = m.error;
  await showCounts(deps, state, ref);

  const fresh = await deps.commands.auditSince(m.id, state.cursor ?? "0", AUDIT_PAGE);
  const names = await deps.names(userIdsIn(fresh));
  const advance = async (id: string) => {
    state.cursor = id;
    await deps.store.setThreadCursor(m.id, id);
  };
  let batch: AuditEntry[] = [];
  const postBatch = async () => {
    for (const reply of auditReplies(batch, names)) {
      await postReply(deps, state.refused, ref, reply.text, "an audit entry");
      await advance(reply.lastId);
    }
    batch = [];
  };
  for (const e of fresh) {
    if (e.outcome !== "denied") {
      batch.push(e);
      continue;
    }
    await postBatch();
    const key = refusalKey(e, m);
    const { count, lineTs } = await deps.store.noteRefusal(m.id, key, e.id);
    const text = refusalLine(e, names, count);
    if (lineTs === undefined) {
      const ts = await postReply(deps, state.refused, ref, text, "a refusal");
      await deps.store.setRefusalLine(m.id, key, ts);
    } else state.pendingCounts.set(key, { ts: lineTs, text });
    await advance(e.id);
  }
  await postBatch();
  await showCounts(deps, state, ref);
  return fresh.length === AUDIT_PAGE ? "more" : "done";
}

/** Redraw counted refusal lines with their new count (one update per line, however many refusals). */
async function showCounts(deps: ThreadDeps, state: ThreadState, ref: LiveRef): Promise<void> {
  for (const [key, line] of [...state.pendingCounts]) {
    try {
      await deps.api.update({ channel: ref.channel, ts: line.ts, text: line.text, blocks: [] });
    } catch (err) {
      // A line someone deleted, or one Slack refuses: the count is in the audit trail; move on.
      if (!(err instanceof SlackPlatformError)) throw err;
      deps.log.warn({ error: err.error }, "could not redraw a counted refusal line");
    }
    state.pendingCounts.delete(key);
  }
}
