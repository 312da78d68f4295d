// The coalescer with an injected clock and an in-memory Slack API (pure logic; the integration tests
// drive the same code through the real engine and the Slack test host).

import { describe, expect, it } from "vitest";
import { createLiveMessages, type LiveCommands } from "../../src/bot/live/index.js";
import type { Block } from "../../src/bot/render/blocks.js";
import { type SlackApi, SlackPlatformError, SlackRateLimited } from "../../src/bot/slackApi.js";
import type { AuditEntry, MigrationView } from "../../src/migration/commands.js";
import type { Migration, SlackRef } from "../../src/migration/types.js";
import { botConfig, migrationAt, T0 } from "./fixtures.js";
import { ManualClock } from "./manualClock.js";
import { MemoryLiveStore } from "./memoryLiveStore.js";

interface Call {
  at: number;
  method: "post" | "update";
  channel: string;
  ts?: string;
  threadTs?: string;
  text: string;
  blocks?: Block[];
}

function world(initial: Migration, recorded?: SlackRef) {
  const clock = new ManualClock();
  let m = initial;
  const audit: AuditEntry[] = [];
  const calls: Call[] = [];
  const failures: Array<Error> = [];
  let nextTs = 1;
  const store = new MemoryLiveStore(() => clock.t);
  if (recorded) store.records.set(initial.id, { ref: recorded, reportPosted: false });
  const refs = {
    map: <T>(fn: (r: SlackRef) => T) => store.refWrites.map((w) => fn(w.ref)),
    toJSON: () => store.refWrites.map((w) => w.ref),
  };
  const commands: LiveCommands = {
    get: async (): Promise<MigrationView> => ({ migration: m, progress: {} }),
    report: async () => undefined,
    auditDropped: async () => 0,
    active: async () => [{ migration: m, progress: {} }],
    history: async () => [],
    auditSince: async (_id: string, after: string, limit = 100) =>
      audit.filter((e) => after === "0" || Number(e.id) > Number(after)).slice(0, limit),
  };
  const api: SlackApi = {
    postMessage: async (a) => {
      const err = failures.shift();
      if (err) throw err;
      const ts = `1.${nextTs++}`;
      calls.push({
        at: clock.t,
        method: "post",
        channel: a.channel,
        ts,
        text: a.text,
        ...(a.threadTs ? { threadTs: a.threadTs } : {}),
      });
      return { channel: a.channel, ts };
    },
    update: async (a) => {
      const err = failures.shift();
      if (err) throw err;
      calls.push({
        at: clock.t,
        method: "update",
        channel: a.channel,
        ts: a.ts,
        text: a.text,
        blocks: a.blocks,
      });
    },
    usergroupMembers: async () => [],
    userName: async (id) => (id === "U0ALICE001" ? "alice" : undefined),
  };
  const live = createLiveMessages({ commands, store, config: botConfig(), api, clock, minIntervalMs: 1000 });
  return {
    clock,
    live,
    calls,
    refs,
    store,
    failures,
    audit,
    set: (next: Migration) => {
      m = next;
    },
    get: () => m,
    updates: () => calls.filter((c) => c.method === "update"),
    threadPosts: () => calls.filter((c) => c.method === "post" && c.threadTs),
  };
}

const base = migrationAt(2, { state: "running", startedAt: T0, run: 1 });

describe("live messages", () => {
  it("posts once, records the ref, and threads audit entries and findings", async () => {
    const w = world({
      ...base,
      findings: [{ code: "unlabelled-cronjob", severity: "warning", message: "batch/x has no label" }],
    });
    w.audit.push({ id: "1", at: T0, actor: "U0ALICE001", action: "start", outcome: "ok", detail: "started" });
    w.live.notify(base.id);
    await w.clock.advance(0);
    expect(w.calls.filter((c) => c.method === "post" && !c.threadTs)).toHaveLength(1);
    expect(w.refs.toJSON()).toEqual([{ channel: "C0PROD0001", ts: "1.1" }]);
    // Posts to one channel are paced to one per interval (Slack's chat.postMessage limit).
    await w.clock.advance(2500);
    const posts = w.calls.filter((c) => c.method === "post").map((c) => c.at);
    expect(posts).toEqual([T0, T0 + 1000, T0 + 2000]);
    const thread = w.threadPosts().map((c) => c.text);
    expect(thread[0]).toContain("Preflight findings");
    expect(thread[1]).toContain("@alice *start*: started");
    expect(thread[1]).not.toContain("<@U0ALICE001>");
    w.live.notify(base.id);
    await w.clock.advance(3000);
    expect(w.threadPosts()).toHaveLength(2); // findings once, audit entries once
  });

  it("collapses a burst of 100 changes into a handful of updates, the last showing the final state", async () => {
    const w = world(base);
    w.live.notify(base.id);
    await w.clock.advance(0);
    for (let i = 1; i <= 100; i++) {
      w.set({ ...w.get(), version: base.version + i, updatedAt: T0 + i });
      w.live.notify(base.id);
      await w.clock.advance(20);
    }
    await w.clock.advance(5000);
    const updates = w.updates();
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(JSON.stringify(updates.at(-1)!.blocks)).toContain(`v${base.version + 100}`);
  });

  it("delivers a change that arrives while an update is in flight", async () => {
    const w = world(base);
    w.live.notify(base.id);
    await w.clock.advance(1500);
    w.set({ ...w.get(), version: 50 });
    w.live.notify(base.id);
    w.set({ ...w.get(), version: 51, status: "completed" });
    w.live.notify(base.id);
    await w.clock.advance(3000);
    expect(JSON.stringify(w.updates().at(-1)!.blocks)).toContain("v51");
  });

  it("honours Retry-After on 429 and then sends the latest state", async () => {
    const w = world(base);
    w.live.notify(base.id);
    await w.clock.advance(1500);
    w.failures.push(new SlackRateLimited("chat.update", 7000));
    w.set({ ...w.get(), version: 60 });
    w.live.notify(base.id);
    await w.clock.advance(0);
    expect(w.updates()).toHaveLength(0);
    w.set({ ...w.get(), version: 61 });
    w.live.notify(base.id);
    await w.clock.advance(6900);
    expect(w.updates()).toHaveLength(0);
    await w.clock.advance(200);
    expect(w.updates()).toHaveLength(1);
    expect(JSON.stringify(w.updates()[0]!.blocks)).toContain("v61");
    expect(w.live.stats().rateLimited).toBe(1);
  });

  it("does not repeat the thread of a message posted before a restart", async () => {
    const w = world({ ...base, error: "old error" }, { channel: "C0PROD0001", ts: "9.9" });
    w.audit.push({ id: "1", at: T0, actor: "system", action: "step", outcome: "info", detail: "old" });
    w.live.notify(base.id);
    await w.clock.advance(0);
    expect(w.updates()).toHaveLength(1);
    expect(w.threadPosts()).toHaveLength(0);
    w.audit.push({ id: "2", at: T0, actor: "system", action: "step", outcome: "info", detail: "new" });
    w.live.notify(base.id);
    await w.clock.advance(1000);
    expect(w.threadPosts().map((c) => c.text)).toEqual([expect.stringContaining("new")]);
  });

  it("reposts when the live message was deleted, and gives up on a permanent error until the next change", async () => {
    const w = world(base);
    w.live.notify(base.id);
    await w.clock.advance(0);
    w.failures.push(new SlackPlatformError("chat.update", "message_not_found", []));
    w.set({ ...w.get(), version: 70 });
    w.live.notify(base.id);
    await w.clock.advance(3000);
    expect(w.refs.map((r) => r.ts)).toEqual(["1.1", "1.2"]);
    // (invalid_blocks is no longer permanent: the message is shrunk and sent again, see below.)
    w.failures.push(new SlackPlatformError("chat.update", "cant_update_message", []));
    w.set({ ...w.get(), version: 71 });
    w.live.notify(base.id);
    await w.clock.advance(10_000);
    expect(w.live.stats().failures).toBe(1);
    w.set({ ...w.get(), version: 72 });
    w.live.notify(base.id);
    await w.clock.advance(2000);
    expect(JSON.stringify(w.updates().at(-1)!.blocks)).toContain("v72");
  });
});
