// Two bot replicas, one voice: each live message has one owner through a lease in Redis. Two bot
// processes watch a migration in flight; the owner is SIGKILLed right after an approval; the other takes
// the message over, catches up and carries it to the end. Counted on the Slack test host from what each
// chat.update carried (record version and replica, in Slack message metadata).

import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import type { RecordedCall } from "@hikkoshi/test-hosts/slack/store";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/store/keys.js";
import { startChildBot } from "../support/childBot.js";
import { killHard } from "../support/childWorker.js";
import { waitForGate, waitForStatus } from "../support/engineHarness.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { waitFor } from "../support/waitFor.js";
import { ALICE, BOT_TOKEN, type BotWorld, CHANNEL, PAT, SIGNING_SECRET, startBotWorld } from "./harness.js";

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

interface Drawn {
  at: number;
  version: number;
  replica: string;
}

function drawnBy(call: RecordedCall): Drawn | undefined {
  const raw = call.args.metadata;
  const meta = (typeof raw === "string" ? JSON.parse(raw) : raw) as
    | { event_payload?: { version?: number; replica?: string } }
    | undefined;
  const p = meta?.event_payload;
  if (p?.version === undefined || p.replica === undefined) return undefined;
  return { at: call.at, version: Number(p.version), replica: String(p.replica) };
}

describe("two bot replicas", () => {
  it("the owner is killed mid-migration; the other replica takes over within 15 s and carries it on, no version shown by two, the final state shown", async () => {
    const w: BotWorld = await startBotWorld(redis.url);
    const raw = new Redis(redis.url);
    // Only the two replicas below speak (the world's in-process bot stands down).
    await w.bot.stop();
    const options = {
      redisUrl: redis.url,
      slackApiUrl: w.host.apiUrl,
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      config: w.config,
    };
    const bots = await Promise.all([startChildBot(options), startChildBot(options)]);
    try {
      // The restore step is held open: the migration is in flight and the owner has nothing left to draw.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const restore = w.ports.clusters.restore;
      w.ports.clusters.restore = async (ctx, name, progress, signal) => {
        await held;
        return restore(ctx, name, progress, signal);
      };
      const started = await w.engine.commands.start("production", { userId: ALICE });
      if (!started.ok) throw new Error(started.rejection.message);
      const id = started.value.id;
      const ref = await waitFor(
        async () => (await w.engine.store.get(id))?.slack,
        "a recorded live message",
        30_000,
      );
      await waitFor(
        async () => {
          const m = (await w.engine.store.get(id))!;
          const last = (await w.engine.commands.auditSince(id, "0", 500)).at(-1)?.id;
          const running = m.steps.find((s) => s.id.startsWith("restore"))?.status.state === "running";
          return running && m.slack?.renderedVersion === m.version && m.slack?.threadCursor === last;
        },
        "the owner has shown the running restore and its thread",
        60_000,
      );
      const ownerName = await raw.get(keys.liveOwner(id));
      const owner = bots.find((b) => b.owner === ownerName);
      const survivor = bots.find((b) => b.owner !== ownerName)!;
      expect(owner, `lease held by ${ownerName}`).toBeDefined();

      await killHard(owner!.child);
      const killedAt = Date.now();
      release(); // the migration goes on while nobody owns its message

      await waitForGate(w.engine, id, "gate-cutover", 60_000);
      await waitFor(
        async () => (await raw.get(keys.liveOwner(id))) === survivor.owner,
        "the takeover",
        60_000,
      );
      const atGate = (await w.engine.store.get(id))!.version;
      await waitFor(
        async () => (await w.engine.store.get(id))?.slack?.renderedVersion === atGate,
        "the gate shown by the survivor",
        30_000,
      );
      expect((await w.engine.commands.approve({ migrationId: id }, { userId: PAT })).ok).toBe(true);
      await waitForGate(w.engine, id, "gate-decommission", 60_000);
      const atSecondGate = (await w.engine.store.get(id))!.version;
      await waitFor(
        async () => (await w.engine.store.get(id))?.slack?.renderedVersion === atSecondGate,
        "the second gate shown",
        30_000,
      );
      const decommission = await w.engine.commands.approve({ migrationId: id }, { userId: PAT });
      expect(decommission.ok).toBe(true);
      const done = await waitForStatus(w.engine, id, "completed", 60_000);
      await waitFor(
        async () => (await w.engine.store.get(id))?.slack?.renderedVersion === done.version,
        "the final state shown",
        30_000,
      );
      const summary = await waitFor(
        () => {
          const texts = w.host.replies(CHANNEL, ref.ts).map((r) => renderMessageText(r));
          return texts.some((t) => t.includes(`Summary of ${id}`)) ? texts : undefined;
        },
        "the summary",
        30_000,
      );

      const updates = w.host.calls.filter((c) => c.method === "chat.update" && c.ok && c.args.ts === ref.ts);
      const drawn = updates.map(drawnBy);
      expect(drawn.every((d) => d !== undefined)).toBe(true);
      const byVersion = new Map<number, Set<string>>();
      for (const d of drawn as Drawn[])
        byVersion.set(d.version, (byVersion.get(d.version) ?? new Set()).add(d.replica));
      // One voice per version: no version drawn by both replicas.
      for (const [version, replicas] of byVersion)
        expect([version, [...replicas]]).toEqual([version, [...replicas].slice(0, 1)]);
      // Before the kill only the owner drew; after it only the survivor did.
      for (const d of drawn as Drawn[])
        expect(d.replica).toBe(d.at < killedAt ? owner!.owner : survivor.owner);
      const bySurvivor = (drawn as Drawn[]).filter((d) => d.replica === survivor.owner);
      // It continued: it drew the second gate and then the end.
      expect(bySurvivor.length).toBeGreaterThanOrEqual(2);
      expect(bySurvivor.some((d) => d.version === atGate)).toBe(true);
      expect(bySurvivor.some((d) => d.version === atSecondGate)).toBe(true);
      // The takeover came within 15 s of the kill (the lease is 10 s).
      expect(bySurvivor[0]!.at - killedAt).toBeLessThanOrEqual(15_000);
      // The last update shows the final record version, and the message shows it.
      expect((drawn as Drawn[]).at(-1)!.version).toBe(done.version);
      expect(renderMessageText(w.host.message(CHANNEL, ref.ts)!)).toMatch(/completed/);
      // One live message, and the thread repeated nothing across the handover.
      expect(w.host.channelMessages(CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
      expect(summary.filter((t) => t.includes(`Summary of ${id}`))).toHaveLength(1);
      const thread = summary.join("\n");
      const audit = await w.engine.commands.auditSince(id, "0", 500);
      const patApprovals = audit.filter((e) => e.actor === PAT && e.action === "approve").length;
      expect(patApprovals).toBe(2);
      expect(thread.split("@pat approve").length - 1).toBe(patApprovals);
      expect(thread.split("@alice start").length - 1).toBe(1);
      for (const e of audit) expect(thread).toContain(e.action);
    } finally {
      for (const b of bots) await killHard(b.child);
      raw.disconnect();
      await w.close();
    }
  }, 240_000);
});
