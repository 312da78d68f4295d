// What an ack waits on (issue #14): `/migrate status` is answered in its ack from one Redis command, and
// a click is acked before any Redis work, so it is acked even while Redis does not answer at all. The
// work behind the acks still has exactly one effect. Real redis-server (MONITOR, SIGSTOP), the real
// engine, Bolt over HTTP, the Slack test host.

import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import { startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackBot, type SlackBot } from "../../src/bot/app.js";
import type { Engine } from "../../src/jobs/engine.js";
import { keys } from "../../src/store/keys.js";
import { RedisLiveStore } from "../../src/store/liveStore.js";
import { startTestEngine, waitForGate } from "../support/engineHarness.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { createTestPorts } from "../support/testPorts.js";
import { waitFor } from "../support/waitFor.js";
import { ackText, BOB, BOT_TOKEN, botTestConfig, CHANNEL, PAT, SIGNING_SECRET } from "./harness.js";

let redis: RedisServerHandle;
let host: Awaited<ReturnType<typeof startSlackTestHost>>;
let ports: ReturnType<typeof createTestPorts>;
let engine: Engine;
let bot: SlackBot;
let client: SlackTestClient;
/** The bot's own Redis connection (its live store). */
let botRedis: Redis;
let admin: Redis;
let migrationId: string;
let liveStore: RedisLiveStore;

/**
 * The commands each client sent while `during` ran, as Redis executed them: a marker before and one
 * after (MONITOR reports in execution order, so once the second marker shows, everything before it has).
 */
async function commandsDuring(
  during: () => Promise<void>,
): Promise<Array<{ source: string; args: string[] }>> {
  const monitor = await admin.monitor();
  const seen: Array<{ source: string; args: string[] }> = [];
  let phase: "before" | "during" | "after" = "before";
  const tag = `ack-path-${Math.random().toString(36).slice(2)}`;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (args[0]?.toLowerCase() === "echo" && args[1] === `${tag}-start`) phase = "during";
    else if (args[0]?.toLowerCase() === "echo" && args[1] === `${tag}-end`) phase = "after";
    else if (phase === "during") seen.push({ source, args });
  });
  const marker = new Redis(redis.url);
  try {
    await marker.echo(`${tag}-start`);
    await waitFor(() => (phase === "during" ? true : undefined), "MONITOR to see the start marker");
    await during();
    await marker.echo(`${tag}-end`);
    await waitFor(() => (phase === "after" ? true : undefined), "MONITOR to see the end marker");
  } finally {
    marker.disconnect();
    monitor.disconnect();
  }
  return seen;
}

/** What `userId` was answered privately so far, oldest first. */
function answersTo(userId: string): string[] {
  return host.ephemerals
    .filter((e) => e.user === userId)
    .map((e) => renderMessageText({ text: e.text, blocks: e.blocks }));
}

/**
 * The commands any client sent that read or write migration data (the active set, a record, its
 * progress), without the live message's lease renewals (a timer every few seconds, unrelated to any
 * request) and without what a script ran inside itself. BullMQ's own traffic touches none of these keys.
 */
function migrationCommands(seen: Array<{ source: string; args: string[] }>): string[][] {
  const touchesMigrations = (a: string) => a === keys.active() || a.startsWith(keys.migrationPrefix);
  return seen
    .filter(
      (c) =>
        c.source !== "lua" &&
        c.args.some(touchesMigrations) &&
        !c.args.some((a) => a.endsWith(":live-owner")),
    )
    .map((c) => c.args);
}

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
  host = await startSlackTestHost({ tokens: [BOT_TOKEN], usergroups: { S0PLATFORM: [BOB, PAT] } });
  const config = botTestConfig();
  ports = createTestPorts({ redisUrl: redis.url });
  await ports.world.init("production-20251101");
  engine = await startTestEngine(redis.url, config, ports);
  botRedis = new Redis(redis.url);
  liveStore = new RedisLiveStore(botRedis, 30);
  bot = createSlackBot({
    config,
    commands: engine.commands,
    liveStore,
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: host.apiUrl,
    port: 0,
    host: "127.0.0.1",
  });
  const { port } = await bot.start();
  client = new SlackTestClient({
    requestUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
    host,
  });
  const started = await engine.commands.start("production", { userId: BOB });
  if (!started.ok) throw new Error(started.rejection.message);
  migrationId = started.value.id;
  await waitForGate(engine, migrationId, "gate-cutover");
});

afterAll(async () => {
  await bot?.stop();
  await engine?.close();
  ports?.close();
  await host?.close();
  botRedis?.disconnect();
  admin?.disconnect();
  await redis?.stop();
});

describe("what an ack waits on", () => {
  it("/migrate status is answered in its ack from one Redis command, then from memory until a change", async () => {
    // Load the script first (its first call is EVALSHA, NOSCRIPT, EVAL); the bot has read nothing yet.
    await engine.commands.active();
    const status = async () => {
      const res = await client.slashCommand({ userId: PAT, text: "status production" });
      expect(res.status).toBe(200);
      return ackText(res.json);
    };
    const answers: string[] = [];
    const cold = await commandsDuring(async () => {
      answers.push(await status());
    });
    const warm = await commandsDuring(async () => {
      answers.push(await status());
    });
    for (const answer of answers) {
      expect(answer).toContain(migrationId);
      expect(answer).toContain("waiting for approval");
    }
    const first = migrationCommands(cold);
    expect(first).toHaveLength(1);
    expect(first[0]![0]!.toLowerCase()).toBe("evalsha");
    // Nothing changed in between (no engine event): the second answer needed no read at all, unless
    // the machine was so slow that the kept views outlived their safety TTL (then: one read again).
    expect(migrationCommands(warm).length).toBeLessThanOrEqual(1);
    // The per-migration reads (a record and a progress hash each) were not used either.
    const perMigrationReads = [...cold, ...warm].filter(
      (c) => c.source !== "lua" && ["hgetall", "hmget"].includes(c.args[0]?.toLowerCase() ?? ""),
    );
    expect(perMigrationReads.filter((c) => c.args[1]?.startsWith(keys.migrationPrefix))).toEqual([]);
  });

  it("a click is acked while Redis answers nothing; its answer follows once Redis is back", async () => {
    const pid = Number(/process_id:(\d+)/.exec(await admin.info("server"))?.[1]);
    expect(pid).toBeGreaterThan(0);
    const view = await engine.commands.get(migrationId);
    const stale = JSON.stringify({ m: migrationId, v: view!.migration.version - 1, s: "gate-cutover" });
    const before = answersTo(PAT).length;
    process.kill(pid, "SIGSTOP");
    let status = 0;
    let answersWhileStopped = -1;
    try {
      const res = await client.click({
        userId: PAT,
        actionId: "hikkoshi.approve",
        value: stale,
        channelId: CHANNEL,
        messageTs: "1700000000.000100",
      });
      status = res.status;
      answersWhileStopped = answersTo(PAT).length;
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect(status).toBe(200);
    expect(answersWhileStopped).toBe(before); // the work behind the ack waited for Redis; the ack did not
    const answer = await waitFor(() => answersTo(PAT).slice(before)[0], "the click's answer");
    expect(answer).toMatch(/older view/);
  });

  it("a burst of Approve clicks, the starter's among them: one approval, every click acked and answered", async () => {
    const view = await engine.commands.get(migrationId);
    const value = JSON.stringify({ m: migrationId, v: view!.migration.version, s: "gate-cutover" });
    const asks = (userId: string, i: number) =>
      client.click({
        userId,
        actionId: "hikkoshi.approve",
        value,
        channelId: CHANNEL,
        messageTs: `1700000001.${String(i).padStart(6, "0")}`,
      });
    const before = answersTo(PAT).length;
    const acks = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => asks(PAT, i)),
      ...Array.from({ length: 5 }, (_, i) => asks(BOB, 100 + i)),
    ]);
    for (const res of acks) expect(res.status).toBe(200);
    // The winner's answer is the live message; each of the other 14 is told why nothing happened.
    await waitFor(
      () => (answersTo(PAT).length - before >= 9 && answersTo(BOB).length >= 5 ? true : undefined),
      "an answer to every click that did not win",
    );
    const after = await engine.commands.get(migrationId);
    const approvals = after!.migration.approvals.filter((a) => a.stepId === "gate-cutover");
    expect(approvals.map((a) => a.by)).toEqual([PAT]);
    expect(answersTo(PAT)).toHaveLength(before + 9);
    // The approval is an engine event: status stops answering from what it kept and shows the change.
    await waitFor(async () => {
      const res = await client.slashCommand({ userId: PAT, text: "status production" });
      const shown = Number(new RegExp(`${migrationId} v(\\d+)`).exec(ackText(res.json))?.[1] ?? 0);
      return shown > view!.migration.version ? shown : undefined;
    }, "status to show the approval");
    expect(answersTo(BOB).every((t) => /four-eyes|older view|already/.test(t))).toBe(true);
  });
});
