// Text from users never pings: what a person typed comes back escaped in command replies, ephemeral
// refusals and forged button values; the only mentions in the bot's answers are ids it resolved itself
// (the signed payload's user, the config's approvers).

import { describe, expect, it } from "vitest";
import { ACTION_APPROVE, ACTION_ROLLBACK, encodeButtonValue } from "../../src/bot/actions/value.js";
import { waitForGate } from "../support/engineHarness.js";
import { startMigration, useBotWorld } from "./harness.js";
import { ephemeralFor, messageShows } from "./messages.js";
import { ALICE, BOB, CHANNEL, MALLORY, OLLY, PAT } from "./workspace.js";

const w = useBotWorld();

/** Every `<...>` Slack would turn into a mention, link or channel reference, in the raw message JSON. */
function specials(message: unknown): string[] {
  return JSON.stringify(message).match(/<[@#!][^<>]*>/g) ?? [];
}

/** Ids the bot resolved itself: the config's people and groups, its channel. */
const RESOLVED = new Set([
  `<@${ALICE}>`,
  `<@${BOB}>`,
  `<@${PAT}>`,
  `<@${OLLY}>`,
  `<@${MALLORY}>`,
  "<!subteam^S0PLATFORM>",
  `<#${CHANNEL}>`,
]);

function onlyResolved(message: unknown, also: readonly string[] = []): void {
  const allowed = new Set([...RESOLVED, ...also]);
  for (const s of specials(message)) {
    if (s.startsWith("<!date^")) continue;
    expect(allowed, `unexpected ${s} in ${JSON.stringify(message).slice(0, 300)}`).toContain(s);
  }
}

const INJECTIONS = [
  "status &lt;!channel&gt;",
  "status &lt;!here|here&gt;",
  "start production to &lt;!subteam^S0EVIL0001|@evil&gt;",
  "frobnicate &lt;!everyone&gt;",
  "help &lt;@U0EVIL0001&gt;",
  "status <@U0EVIL0001|evil>",
  "status <!subteam^S0EVIL0001|@evil>",
  "status `&lt;!here&gt;`",
  "plan &lt;https://evil.example|click me&gt;",
  "status &lt;!date^1^{date}|x&gt;",
];

describe("command replies", () => {
  it("echo what was typed as text: no mention, link or date token, and no broken code span", async () => {
    for (const text of INJECTIONS) {
      const res = await w.client.slashCommand({ userId: MALLORY, text });
      expect(res.status, text).toBe(200);
      const ack = res.json as { text: string; blocks: unknown[] };
      expect(ack.text, text).toMatch(/^:warning: /);
      expect(specials(ack), text).toEqual([]);
      // Backticks in the answer are the bot's own, in pairs.
      const ticks = JSON.stringify(ack.blocks).match(/`/g)?.length ?? 0;
      expect(ticks % 2, text).toBe(0);
    }
    const echoed = (await w.client.slashCommand({ userId: MALLORY, text: "status &lt;!channel&gt;" }))
      .json as {
      text: string;
    };
    expect(echoed.text).toContain('unknown environment "&lt;!channel&gt;"');
  });

  it("an authorised rollback's reason reaches the reply and the live message as text", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    await w.client.slashCommand({
      userId: OLLY,
      text: "rollback production &lt;!channel&gt; wake up <!here>",
    });
    await ephemeralFor(w, OLLY, /Rolling back/);
    onlyResolved(w.host.ephemerals.filter((e) => e.user === OLLY));
    expect((await w.engine.store.get(id))!.rollback?.reason).toBe("<!channel> wake up @here");
    const live = await messageShows(w, id, /wake up/);
    expect(specials(live.blocks).filter((s) => /channel|here/.test(s))).toEqual([]);
    onlyResolved({ text: live.text, blocks: live.blocks });
  });
});

describe("ephemeral refusals", () => {
  it("name the people allowed (ids from the config) and nothing the refused person typed", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    await w.client.slashCommand({
      userId: MALLORY,
      text: "rollback production &lt;!channel&gt; &lt;@U0EVIL0001&gt;",
    });
    await w.client.slashCommand({ userId: MALLORY, text: "start production" });
    await ephemeralFor(w, MALLORY, /not allowed to roll back/);
    await ephemeralFor(w, MALLORY, /not allowed to start/);
    const mine = w.host.ephemerals.filter((e) => e.user === MALLORY);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const e of mine) onlyResolved({ text: e.text, blocks: e.blocks });
    expect(specials(mine)).toContain("<!subteam^S0PLATFORM>");
  });

  it("forged button values and foreign channels are answered without echoing a mention", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const forged = [
      '{"m":"<!channel>","v":1}',
      `{"m":"${id}\`<!here>","v":1}`,
      encodeButtonValue({ migrationId: "production-20990101-9", version: 1 }),
    ];
    for (const value of forged) {
      const res = await w.client.click({
        userId: MALLORY,
        actionId: ACTION_APPROVE,
        value,
        channelId: CHANNEL,
        messageTs: "1.1",
      });
      expect(res.status).toBe(200);
    }
    await w.client.click({
      userId: MALLORY,
      actionId: ACTION_ROLLBACK,
      value: encodeButtonValue({ migrationId: id, version: 1 }),
      channelId: "C0ELSEWHR1",
      messageTs: "1.1",
    });
    await ephemeralFor(w, MALLORY, /no longer exists/);
    await ephemeralFor(w, MALLORY, /a click from .*C0ELSEWHR1 is refused/);
    const mine = w.host.ephemerals.filter((e) => e.user === MALLORY);
    expect(mine.filter((e) => /does not carry a migration I can read/.test(e.text))).toHaveLength(2);
    for (const e of mine) {
      // The other channel's id came from Slack's signed payload, checked by shape.
      onlyResolved({ text: e.text, blocks: e.blocks }, ["<#C0ELSEWHR1>"]);
      expect(JSON.stringify(e)).not.toMatch(/<!channel>|<!here>/);
    }
  });
});
