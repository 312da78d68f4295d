// Driving a migration as people do in Slack (slash commands, button clicks), and what they see there
// (the live message, ephemeral replies). Where the migration is, read from Redis, is flow.ts.

import type { Button } from "@hikkoshi/sandbox/driver";
import { SANDBOX_CHANNEL, SANDBOX_USERS } from "@hikkoshi/sandbox/world";
import { renderBlocksText } from "@hikkoshi/test-hosts/slack/console";
import { buttonsOf } from "@hikkoshi/test-hosts/slack/slackClient";
import type { EphemeralMessage } from "@hikkoshi/test-hosts/slack/store";
import type { Migration } from "../../../src/migration/types.js";
import { waitForMigration } from "./flow.js";
import { waitUntil } from "./wait.js";
import type { E2eWorld } from "./world.js";

export const { alice, bob, mallory } = SANDBOX_USERS;

/** `/migrate start production` as alice; returns the new migration once it exists. */
export async function startMigration(e: E2eWorld): Promise<Migration> {
  const reply = await e.slack.command(alice, "start production");
  if (!/Started/.test(reply)) throw new Error(`start refused: ${reply}`);
  return waitForMigration(e, () => true, "the migration record");
}

export async function waitForButton(e: E2eWorld, label: RegExp, timeoutMs = 90_000): Promise<Button> {
  return e.slack.waitForButton(label, timeoutMs);
}

/** Sends a click as Slack does; resolves once the bot acked it (HTTP 200). */
export async function click(e: E2eWorld, user: string, button: Button): Promise<void> {
  const res = await e.slack.sendClick(user, button);
  if (res.status !== 200)
    throw new Error(`click "${button.text}" as ${user}: HTTP ${res.status} ${res.body}`);
}

/** Clicks, then waits for the ephemeral reply addressed to `user` (matching `pattern`). */
export async function clickExpectingReply(
  e: E2eWorld,
  user: string,
  button: Button,
  pattern: RegExp,
): Promise<EphemeralMessage> {
  const before = e.world.slack.ephemerals.length;
  await click(e, user, button);
  return waitUntil(
    () =>
      e.world.slack.ephemerals
        .slice(before)
        .find((x) => (x.user === undefined || x.user === user) && pattern.test(x.text)),
    `an ephemeral reply to ${user} matching ${pattern}`,
    30_000,
    {
      explain: () =>
        `ephemerals since the click: ${JSON.stringify(e.world.slack.ephemerals.slice(before).map((x) => x.text))}`,
    },
  );
}

let replyTag = 0;

/**
 * `/migrate <text>` as `user`, with a response_url of its own, so concurrent commands each get their own
 * reply (the driver's `command` reads whatever ephemeral arrives next). Returns the ack text or the reply.
 */
export async function commandReply(e: E2eWorld, user: string, text: string): Promise<string> {
  const tag = `${user}#${++replyTag}`;
  const responseUrl = e.world.slack.responseUrl({ channel: SANDBOX_CHANNEL, user: tag });
  const res = await e.world.client.slashCommand({
    userId: user,
    text,
    channelId: SANDBOX_CHANNEL,
    command: "/migrate",
    responseUrl,
  });
  if (res.status !== 200) throw new Error(`/migrate ${text} as ${user}: HTTP ${res.status} ${res.body}`);
  const ack = res.json as { text?: string } | undefined;
  if (ack?.text) return ack.text;
  const reply = await waitUntil(
    () => e.world.slack.ephemerals.find((x) => x.user === tag),
    `the reply to /migrate ${text}`,
    30_000,
  );
  return renderBlocksText(reply.blocks, reply.text);
}

/** The live message's buttons as they are now. */
export function liveButtons(e: E2eWorld): Button[] {
  const m = e.slack.liveMessage();
  return m ? buttonsOf(m.blocks) : [];
}

/** The live message as plain text lines. */
export function liveLines(e: E2eWorld): string[] {
  const m = e.slack.liveMessage();
  return m ? renderBlocksText(m.blocks, m.text).split("\n") : [];
}

/**
 * Waits until the live message shows the record's final state: its footer names the record's version
 * (so no coalesced update is still due), and `check` holds.
 */
export async function waitForLiveMessage(
  e: E2eWorld,
  id: string,
  check: (lines: string[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<string[]> {
  return waitUntil(
    async () => {
      const m = await e.world.app.engine.store.get(id);
      const lines = liveLines(e);
      const footer = lines.some((l) => l.includes(`${id} · v${m?.version}`));
      return footer && check(lines) ? lines : undefined;
    },
    `the live message to show ${what}`,
    timeoutMs,
    { explain: () => e.slack.console() },
  );
}
