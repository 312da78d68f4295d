// The live message itself: post it once, then redraw it from the record. Knows where the message is,
// what it last showed, and which record version it last recorded as shown; adopts a message posted by
// an earlier owner instead of posting another, and replaces one someone deleted.

import type { MigrationView } from "../../migration/commands.js";
import type { Logger } from "../log.js";
import { type RenderedMessage, shrinkForSlack } from "../render/blocks.js";
import { type MessageMetadata, type PostArgs, type SlackApi, SlackPlatformError } from "../slackApi.js";
import type { LiveRecord, LiveRef, LiveStore } from "./store.js";

/** Refusals of the content itself: sending the same thing again can never work; send less. */
export const CONTENT_REFUSALS = new Set(["msg_too_long", "invalid_blocks", "msg_blocks_too_long"]);

export function isContentRefusal(err: unknown): err is SlackPlatformError {
  return err instanceof SlackPlatformError && CONTENT_REFUSALS.has(err.error);
}

export interface MessageState {
  ref?: LiveRef;
  /** The engine-side record knows where the message is. */
  refSaved: boolean;
  lastRendered?: string;
  /** A live message someone deleted: never adopt it again from the record. */
  deletedTs?: string;
  /** The version last recorded as shown (by this owner or, after a takeover, by the one before). */
  shownVersion?: number;
  /**
   * The version the previous owner recorded as shown: this owner does not redraw it (one voice per
   * version; progress within it shows again from the next version on).
   */
  inheritedVersion?: number;
  /** The content Slack refused last and how far it was shrunk (a paused retry goes on from there). */
  refused?: { json: string; level: number };
}

export type ShowResult =
  | { kind: "shown"; ref: LiveRef; adopted: boolean }
  /** Someone deleted it; a new one is posted on the next flush. */
  | { kind: "deleted" };

export interface MessageDeps {
  api: Pick<SlackApi, "update">;
  store: Pick<LiveStore, "setRef" | "claimRef" | "setRenderedVersion">;
  /** A paced chat.postMessage (throws `Paced` when the channel had a post too recently). */
  post(args: PostArgs): Promise<{ channel: string; ts: string }>;
  log: Logger;
  /** This process's lease owner name. */
  replica: string;
  onUpdate(): void;
}

/**
 * Slack's message metadata: which record version a view shows and which replica drew it, for anyone
 * reading the channel later (and for the tests that count one voice per version).
 */
export function versionMetadata(view: MigrationView, replica: string): MessageMetadata {
  return {
    event_type: "hikkoshi_migration",
    event_payload: { migration_id: view.migration.id, version: view.migration.version, replica },
  };
}

/** Take over what an earlier owner recorded (a restart, or another replica that stopped or died). */
export function adopt(state: MessageState, rec: LiveRecord): void {
  if (rec.ref && rec.ref.ts !== state.deletedTs) {
    state.ref = rec.ref;
    state.refSaved = true;
  }
  state.lastRendered = undefined;
  if (rec.renderedVersion !== undefined) {
    state.shownVersion = rec.renderedVersion;
    state.inheritedVersion = rec.renderedVersion;
  }
}

/**
 * Sends `rendered`, shrinking it while Slack refuses its content (never the same refused content twice),
 * and returns what was sent.
 */
async function sendFitting(
  send: (m: RenderedMessage) => Promise<void>,
  state: MessageState,
  rendered: RenderedMessage,
  log: Logger,
  migrationId: string,
): Promise<void> {
  const json = JSON.stringify(rendered);
  const from = state.refused?.json === json ? state.refused.level : 0;
  for (let level = from; ; level++) {
    const m = level === 0 ? rendered : shrinkForSlack(rendered, level);
    try {
      await send(m);
      state.refused = undefined;
      return;
    } catch (err) {
      if (!isContentRefusal(err) || level >= 2) throw err;
      log.warn(
        { migrationId, error: err.error, level: level + 1 },
        "slack refused the live message; shrinking",
      );
      state.refused = { json, level: level + 1 };
    }
  }
}

export async function showMessage(
  deps: MessageDeps,
  state: MessageState,
  view: MigrationView,
  channel: string,
  rendered: RenderedMessage,
): Promise<ShowResult> {
  const m = view.migration;
  const json = JSON.stringify(rendered);
  const metadata = versionMetadata(view, deps.replica);
  let adopted = false;
  if (!state.ref) {
    let posted: { channel: string; ts: string } | undefined;
    await sendFitting(
      async (r) => {
        posted = await deps.post({ channel, text: r.text, blocks: r.blocks, metadata });
      },
      state,
      rendered,
      deps.log,
      m.id,
    );
    state.ref = { channel: posted!.channel, ts: posted!.ts };
    state.refSaved = false;
    state.lastRendered = json;
    deps.log.info({ migrationId: m.id, channel: state.ref.channel, ts: state.ref.ts }, "live message posted");
  } else if (json !== state.lastRendered && state.inheritedVersion !== m.version) {
    const ref = state.ref;
    try {
      await sendFitting(
        (r) =>
          deps.api.update({ channel: ref.channel, ts: ref.ts, text: r.text, blocks: r.blocks, metadata }),
        state,
        rendered,
        deps.log,
        m.id,
      );
    } catch (err) {
      if (err instanceof SlackPlatformError && err.error === "message_not_found") {
        deps.log.warn({ migrationId: m.id }, "live message was deleted; posting a new one");
        state.deletedTs = ref.ts;
        state.ref = undefined;
        state.refSaved = false;
        return { kind: "deleted" };
      }
      throw err;
    }
    deps.onUpdate();
    state.lastRendered = json;
  }
  if (!state.refSaved && state.deletedTs !== undefined) {
    // Replacing a message someone deleted: overwrite the old reference.
    await deps.store.setRef(m.id, state.ref);
    state.refSaved = true;
  }
  if (!state.refSaved) {
    const winner = await deps.store.claimRef(m.id, state.ref);
    if (winner.ts !== state.ref.ts) {
      // Another process posted first (before leases, or a lease that ran out mid-post): point ours at it.
      deps.log.warn(
        { migrationId: m.id, ours: state.ref.ts, theirs: winner.ts },
        "another process owns the live message",
      );
      await deps.api
        .update({
          channel: state.ref.channel,
          ts: state.ref.ts,
          text: `Duplicate view of ${m.id}; the live message is the other one.`,
          blocks: [],
        })
        .catch(() => {});
      state.ref = winner;
      state.lastRendered = undefined;
      state.shownVersion = undefined;
      state.inheritedVersion = undefined;
      adopted = true;
    }
    state.refSaved = true;
  }
  // Remembered so a bot that restarts (or takes over) redraws a message left behind its record, and
  // never redraws one that is not.
  if (state.lastRendered === json && state.shownVersion !== m.version) {
    await deps.store.setRenderedVersion(m.id, m.version);
    state.shownVersion = m.version;
  }
  return { kind: "shown", ref: state.ref, adopted };
}
