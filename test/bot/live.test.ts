// The live message driven by the engine's events: coalesced updates under a burst, Retry-After honoured,
// the thread, and catch-up at start-up. Real engine, real Bolt, the Slack test host's rate limits.

import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import { describe, expect, it } from "vitest";
import { createSlackBot } from "../../src/bot/app.js";
import { waitForGate, waitForStatus } from "../support/engineHarness.js";
import { waitFor } from "../support/waitFor.js";
import {
  ALICE,
  BOT_TOKEN,
  CHANNEL,
  liveMessage,
  MALLORY,
  messageShows,
  OLLY,
  PAT,
  SIGNING_SECRET,
  startMigration,
  useBotWorld,
} from "./harness.js";

let releaseHeld: () => void = () => {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Stricter than Slack: one chat.update per message per 900 ms, one post per channel per 900 ms.
const w = useBotWorld(
  {
    rateLimits: {
      "chat.update": { limit: 1, windowMs: 900, per: "message" },
      "chat.postMessage": { limit: 1, windowMs: 900, per: "channel" },
    },
  },
  { beforeClose: () => releaseHeld() },
);

/** Holds the restore step open so the test can drive its progress. */
function holdRestore(): () => void {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  releaseHeld = () => release();
  const original = w.ports.clusters.restore;
  w.ports.clusters.restore = async (ctx, name, progress, signal) => {
    await held;
    return original(ctx, name, progress, signal);
  };
  return release;
}

/** A second bot process on the same engine (a restart, or a replica). */
const anotherBot = () =>
  createSlackBot({
    config: w.config,
    commands: w.engine.commands,
    liveStore: w.engine.store.liveStore(),
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: w.host.apiUrl,
    port: 0,
    host: "127.0.0.1",
  });

const updatesOf = (ts: string, since = 0) =>
  w.host.calls.filter((c) => c.method === "chat.update" && c.args.ts === ts && c.at >= since);

describe("live message", () => {
  it("a burst of 100 progress changes gives a handful of updates, and the last one shows the final state", async () => {
    const release = holdRestore();
    const id = await startMigration(w, ALICE);
    const msg = await messageShows(w, id, /Restore into target/);
    await waitFor(
      async () =>
        (await w.engine.store.get(id))!.steps.find((s) => s.id === "restore")!.status.state === "running",
      "restore running",
    );
    await sleep(1500);
    const start = Date.now();
    for (let i = 1; i <= 100; i++)
      await w.engine.store.setProgress(id, "restore", {
        done: i * 8,
        total: 800,
        unit: "items",
        at: Date.now(),
      });
    const burstMs = Date.now() - start;
    const last = await messageShows(w, id, /▓▓▓▓▓▓▓▓ 800\/800 items/);
    await sleep(1500);
    const updates = updatesOf(msg.ts, start);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 2);
    expect(updates.filter((c) => c.status === 429)).toEqual([]);
    expect(renderMessageText(w.host.message(msg.channel, msg.ts)!)).toBe(renderMessageText(last));
    release();
    await waitForGate(w.engine, id, "gate-cutover");
    await messageShows(w, id, /\[ Approve cutover/);
  });

  it("a whole run never exceeds the host's rate limits, and the thread carries the audit trail", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    await w.client.clickButton(msg, "Approve cutover", PAT);
    await waitForGate(w.engine, id, "gate-decommission");
    await w.client.clickButton(
      await messageShows(w, id, /\[ Approve decommission/),
      "Approve decommission",
      PAT,
    );
    await waitForStatus(w.engine, id, "completed");
    await messageShows(w, id, /🎉 completed/);
    await sleep(1200);
    expect(w.host.calls.filter((c) => c.status === 429)).toEqual([]);
    const thread = w.host
      .replies(CHANNEL, msg.ts)
      .map((r) => renderMessageText(r))
      .join("\n");
    expect(thread).toContain("@alice start");
    expect(thread).toContain("@pat approve");
    const audit = await w.engine.commands.auditSince(id, "0", 500);
    for (const e of audit) expect(thread).toContain(e.action);
    // The summary closes the thread, once.
    const summary = await waitFor(() => {
      const texts = w.host.replies(CHANNEL, msg.ts).map((r) => renderMessageText(r));
      return texts.some((t) => t.includes(`Summary of ${id}`)) ? texts : undefined;
    }, "the summary");
    expect(summary.filter((t) => t.includes(`Summary of ${id}`))).toHaveLength(1);
    const text = summary.join("\n");
    expect(text).toMatch(/Approve cutover: @pat at \d\d:\d\d UTC/);
    expect(text).toContain("batch/billing: 1.2 s");
    expect(text).toMatch(/new 100% C1: submitted/);
    expect(text).toContain("delete it with its infrastructure code");
  });

  it("a restarted bot posts what happened while it was down, and repeats nothing", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    await sleep(1200);
    const before = w.host.replies(CHANNEL, msg.ts).map((r) => renderMessageText(r));
    await w.bot.stop();
    // While no bot runs: an approval by command path of the engine (e.g. another bot replica) and progress.
    const approved = await w.engine.commands.approve({ migrationId: id }, { userId: PAT });
    expect(approved.ok).toBe(true);
    await waitForGate(w.engine, id, "gate-decommission");
    const bot2 = anotherBot();
    await bot2.start();
    try {
      await messageShows(w, id, /\[ Approve decommission/);
      const after = await waitFor(() => {
        const texts = w.host.replies(CHANNEL, msg.ts).map((r) => renderMessageText(r));
        return texts.join("\n").includes("@pat approve") ? texts : undefined;
      }, "the approval in the thread");
      expect(after.slice(0, before.length)).toEqual(before);
      const all = after.join("\n");
      expect(all.split("@alice start").length - 1).toBe(1);
      expect(all.split("@pat approve").length - 1).toBe(1);
      expect(w.host.channelMessages(CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
    } finally {
      await bot2.stop();
    }
  });

  it("two bot processes agree on one live message", async () => {
    const bot2 = anotherBot();
    await bot2.start();
    try {
      const id = await startMigration(w, ALICE);
      await waitForGate(w.engine, id, "gate-cutover");
      const ref = await waitFor(async () => (await w.engine.store.get(id))!.slack, "a recorded live message");
      await sleep(2500);
      const top = w.host.channelMessages(CHANNEL).filter((m) => !m.threadTs);
      const live = top.filter((m) => m.ts === ref.ts);
      expect(live).toHaveLength(1);
      expect(renderMessageText(live[0]!)).toContain("Approve cutover");
      // Any second post was turned into a pointer, never left as a second live view.
      for (const m of top.filter((x) => x.ts !== ref.ts)) expect(m.text).toMatch(/^Duplicate view of /);
    } finally {
      await bot2.stop();
    }
  });

  it("honours Retry-After on 429 and still delivers the latest state", async () => {
    const release = holdRestore();
    const id = await startMigration(w, ALICE);
    const msg = await liveMessage(w, id);
    await waitFor(
      async () =>
        (await w.engine.store.get(id))!.steps.find((s) => s.id === "restore")!.status.state === "running",
      "restore running",
    );
    await sleep(1500);
    w.host.failNext("chat.update", "ratelimited", { retryAfterSeconds: 3 });
    await w.engine.store.setProgress(id, "restore", { done: 1, total: 10, unit: "items", at: Date.now() });
    const limited = await waitFor(() => updatesOf(msg.ts).find((c) => c.status === 429), "a 429");
    for (let i = 2; i <= 10; i++) {
      await w.engine.store.setProgress(id, "restore", { done: i, total: 10, unit: "items", at: Date.now() });
      await sleep(100);
    }
    await messageShows(w, id, /10\/10 items/, 10_000);
    const after = updatesOf(msg.ts, limited.at + 1);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after[0]!.at - limited.at).toBeGreaterThanOrEqual(2900);
    expect(after.filter((c) => c.status === 429)).toEqual([]);
    expect(w.bot.live.stats().rateLimited).toBe(1);
    release();
  });

  it("catches up at start-up: posts the message of an active migration that has none, then records it", async () => {
    await w.bot.stop();
    const started = await w.engine.commands.start("production", { userId: ALICE });
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(w.engine, id, "gate-cutover");
    expect((await w.engine.store.get(id))!.slack).toBeUndefined();
    const bot2 = anotherBot();
    await bot2.start();
    try {
      const msg = await messageShows(w, id, /\[ Approve cutover/);
      expect((await w.engine.store.get(id))!.slack).toMatchObject({ channel: CHANNEL, ts: msg.ts });
      expect(w.host.channelMessages(CHANNEL)).toHaveLength(1);
      // A restart with the ref recorded redraws the same message instead of posting another.
      await bot2.stop();
      const bot3 = anotherBot();
      const threadBefore = w.host.replies(CHANNEL, msg.ts).length;
      await bot3.start();
      await sleep(1500);
      await bot3.stop();
      expect(w.host.channelMessages(CHANNEL)).toHaveLength(1);
      expect(w.host.replies(CHANNEL, msg.ts)).toHaveLength(threadBefore);
    } finally {
      await bot2.stop();
    }
  });
});

describe("live message: read-back, refusals, jams", () => {
  const threadText = (ts: string) =>
    w.host
      .replies(CHANNEL, ts)
      .map((r) => renderMessageText(r))
      .join("\n");

  it("a restarted bot redraws only a finished migration left behind its record (the shown version is read back)", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    expect((await w.engine.commands.approve({ migrationId: id }, { userId: PAT })).ok).toBe(true);
    await waitForGate(w.engine, id, "gate-decommission");
    expect((await w.engine.commands.approve({ migrationId: id }, { userId: PAT })).ok).toBe(true);
    const done = await waitForStatus(w.engine, id, "completed");
    const msg = await liveMessage(w, id);
    await waitFor(
      async () => (await w.engine.store.get(id))?.slack?.renderedVersion === done.version,
      "shown",
    );
    await waitFor(() => threadText(msg.ts).includes(`Summary of ${id}`) || undefined, "the summary");
    await w.bot.stop();

    const since = Date.now();
    const bot2 = anotherBot();
    await bot2.start();
    try {
      expect(await bot2.live.catchUp()).toEqual({ active: 0, behind: 0 });
      await bot2.live.idle();
      expect(updatesOf(msg.ts, since)).toEqual([]);
    } finally {
      await bot2.stop();
    }

    // Left behind: the message shows an older version than the record (a final update held back).
    await w.engine.store.liveStore().setRenderedVersion(id, done.version - 1);
    const later = Date.now();
    const bot3 = anotherBot();
    await bot3.start();
    try {
      expect(await bot3.live.catchUp()).toEqual({ active: 0, behind: 1 });
      const redraw = await waitFor(() => updatesOf(msg.ts, later).find((c) => c.ok), "the redraw");
      expect(JSON.parse(String(redraw.args.metadata))).toMatchObject({
        event_payload: { version: done.version },
      });
      await waitFor(
        async () => (await w.engine.store.get(id))?.slack?.renderedVersion === done.version,
        "recorded",
      );
    } finally {
      await bot3.stop();
    }
    // The summary was not posted again by either.
    expect(threadText(msg.ts).split(`Summary of ${id}`).length - 1).toBe(1);
  });

  it("thirty refused clicks by one person are one counted line in the thread", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    for (let i = 0; i < 30; i++) await w.client.clickButton(msg, "Approve cutover", MALLORY);
    await waitFor(() => /refused 30 times/.test(threadText(msg.ts)) || undefined, "the counted line", 30_000);
    const lines = threadText(msg.ts)
      .split("\n")
      .filter((l) => l.includes("@mallory"));
    expect(lines).toHaveLength(1);
    // The gate still works for those allowed.
    await w.client.clickButton(msg, "Approve cutover", PAT);
    await waitFor(
      () => threadText(msg.ts).includes("@pat approve") || undefined,
      "the approval in the thread",
    );
  });

  it("a reply Slack refuses never stops the thread: it is shortened or noted, and later entries follow", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    await w.bot.live.idle();
    await sleep(1200);
    // Slack refuses the next two posts' content: the entry is shortened, then replaced by a note.
    w.host.failNext("chat.postMessage", "msg_too_long", { times: 2 });
    await w.engine.commands.auditDenied(id, { userId: MALLORY }, "approve", "x".repeat(5000));
    await waitFor(() => threadText(msg.ts).includes("could not be shown here") || undefined, "the note");
    const refused = w.host.calls.filter((c) => c.method === "chat.postMessage" && c.error === "msg_too_long");
    expect(refused).toHaveLength(2);
    expect(refused[0]!.args.text).not.toBe(refused[1]!.args.text); // never the same content twice
    expect((await w.engine.commands.approve({ migrationId: id }, { userId: PAT })).ok).toBe(true);
    await waitFor(
      () => threadText(msg.ts).includes("@pat approve") || undefined,
      "the approval in the thread",
    );
  });

  it("nothing typed into a rollback reason or a refusal pings anyone from the thread", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    await w.engine.commands.auditDenied(
      id,
      { userId: MALLORY },
      "approve",
      "<!channel> <@U0BOB00001> <!subteam^S0PLATFORM>",
    );
    const rolled = await w.engine.commands.rollback(
      { migrationId: id },
      { userId: OLLY },
      {
        reason: "<!here> see <https://evil.test|the runbook> <!subteam^S0PLATFORM>",
      },
    );
    expect(rolled.ok).toBe(true);
    await waitForStatus(w.engine, id, "rolled-back");
    await waitFor(() => threadText(msg.ts).includes(`Summary of ${id}`) || undefined, "the summary");
    // As sent to Slack (not as rendered): no live mention, group ping or link from anyone's text.
    const sent = w.host.replies(CHANNEL, msg.ts).map((r) => r.text);
    for (const text of sent) expect(text).not.toMatch(/<[!@#]|<https?:/);
    const all = sent.join("\n");
    expect(all).toContain("&lt;!channel&gt;");
    expect(all).toContain("@bob"); // an id the bot resolved is a name
    expect(all).toContain("&lt;!here&gt;");
  });
});
