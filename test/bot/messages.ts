// The bot's answers as the person in Slack sees them: the live message, ephemerals, ack bodies, buttons.

import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import { buttonsOf } from "@hikkoshi/test-hosts/slack/slackClient";
import type { StoredMessage } from "@hikkoshi/test-hosts/slack/store";
import { waitFor } from "../support/waitFor.js";
import type { BotWorld } from "./harness.js";

/** The live message of a migration, once the bot has posted it and told the engine where it is. */
export async function liveMessage(
  w: BotWorld,
  migrationId: string,
  timeoutMs = 15_000,
): Promise<StoredMessage> {
  return waitFor(
    async () => {
      const m = await w.engine.store.get(migrationId);
      return m?.slack ? w.host.message(m.slack.channel, m.slack.ts) : undefined;
    },
    `live message of ${migrationId}`,
    timeoutMs,
  );
}

/** Waits until the live message's text matches (and returns the message as stored then). */
export async function messageShows(
  w: BotWorld,
  migrationId: string,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<StoredMessage> {
  const first = await liveMessage(w, migrationId, timeoutMs);
  return waitFor(
    () => {
      const m = w.host.message(first.channel, first.ts);
      return m && pattern.test(renderMessageText(m)) ? { ...m, blocks: [...m.blocks] } : undefined;
    },
    `live message to show ${pattern}`,
    timeoutMs,
  );
}

export function buttonLabels(m: StoredMessage): string[] {
  return buttonsOf(m.blocks).map((b) => b.text);
}

/** Ephemeral answers (response_url or chat.postEphemeral) to one user, oldest first. */
export function ephemeralsFor(w: BotWorld, userId: string): string[] {
  return w.host.ephemerals
    .filter((e) => e.user === userId)
    .map((e) => renderMessageText({ text: e.text, blocks: e.blocks }));
}

export async function ephemeralFor(
  w: BotWorld,
  userId: string,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    () => ephemeralsFor(w, userId).find((t) => pattern.test(t)),
    `an ephemeral to ${userId} matching ${pattern}`,
    timeoutMs,
  );
}

/** The ack body of a slash command as a person sees it (immediate ephemeral answer). */
export function ackText(json: unknown): string {
  const j = json as { text?: string; blocks?: unknown[] } | undefined;
  return j ? renderMessageText({ text: j.text ?? "", blocks: j.blocks ?? [] }) : "";
}
