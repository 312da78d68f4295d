// The live message and the closing summary alone. Slack's refusals come from the Slack test host over
// HTTP, through the real Web API client: a message Slack refuses is shrunk and sent again.
import { type SlackTestHost, startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adopt, type MessageDeps, type MessageState, showMessage } from "../../src/bot/live/message.js";
import { postReportOnce } from "../../src/bot/live/report.js";
import { silentLogger } from "../../src/bot/log.js";
import { type Block, type RenderedMessage, section } from "../../src/bot/render/blocks.js";
import { createSlackApi, createWebClient, type SlackApi } from "../../src/bot/slackApi.js";
import type { MigrationView } from "../../src/migration/commands.js";
import { migrationAt, T0 } from "./fixtures.js";
import { MemoryLiveStore } from "./memoryLiveStore.js";

const TOKEN = "xoxb-1-2-livemessagetest";
const CHANNEL = "C0PROD0001";
let host: SlackTestHost;
let api: SlackApi;
beforeAll(async () => {
  host = await startSlackTestHost({ tokens: [TOKEN] });
  api = createSlackApi(createWebClient(TOKEN, host.apiUrl));
});
afterAll(async () => {
  await host.close();
});

function deps(store = new MemoryLiveStore(() => T0)): MessageDeps & { store: MemoryLiveStore } {
  return {
    api,
    store,
    post: (a) => api.postMessage(a),
    log: silentLogger,
    replica: "r1",
    onUpdate: () => {},
  };
}
const view = (version: number): MigrationView => ({
  migration: { ...migrationAt(2, { state: "running", startedAt: T0, run: 1 }), version },
  progress: {},
});
const msg = (text: string, blocks: Block[] = [section(text)]): RenderedMessage => ({ text, blocks });
const metadataOf = (ts: string) =>
  host.calls
    .filter(
      (c) =>
        (c.method === "chat.update" || c.method === "chat.postMessage") && c.ok && (c.args.ts ?? "") === ts,
    )
    .map(
      (c) => JSON.parse(String(c.args.metadata)) as { event_payload: { version: number; replica: string } },
    );

describe("live message", () => {
  it("posts once, records the reference and the version shown, then redraws only what changed", async () => {
    const d = deps();
    const state: MessageState = { refSaved: false };
    const first = await showMessage(d, state, view(3), CHANNEL, msg("v3"));
    expect(first).toMatchObject({ kind: "shown", adopted: false });
    const ts = state.ref!.ts;
    expect(d.store.records.get(view(3).migration.id)).toMatchObject({
      ref: { channel: CHANNEL, ts },
      renderedVersion: 3,
    });
    await showMessage(d, state, view(3), CHANNEL, msg("v3"));
    await showMessage(d, state, view(4), CHANNEL, msg("v4"));
    expect(host.message(CHANNEL, ts)!.updates).toBe(1);
    expect(metadataOf(ts).map((p) => p.event_payload)).toEqual([
      { migration_id: view(4).migration.id, version: 4, replica: "r1" },
    ]);
    expect(d.store.records.get(view(3).migration.id)?.renderedVersion).toBe(4);
  });

  it("a new owner does not redraw the version its predecessor showed, and draws the next one", async () => {
    const d = deps();
    const posted = await api.postMessage({ channel: CHANNEL, text: "v5 by the old owner" });
    const state: MessageState = { refSaved: false };
    adopt(state, { ref: posted, renderedVersion: 5, reportPosted: false });
    await showMessage(d, state, view(5), CHANNEL, msg("v5 again"));
    expect(host.message(CHANNEL, posted.ts)!.updates).toBe(0);
    await showMessage(d, state, view(6), CHANNEL, msg("v6"));
    expect(host.message(CHANNEL, posted.ts)!.text).toBe("v6");
  });

  it("a message Slack refuses (too many blocks, too long a section) is shrunk and sent again, never unchanged", async () => {
    const d = deps();
    const state: MessageState = { refSaved: false };
    await showMessage(d, state, view(1), CHANNEL, msg("v1"));
    const ts = state.ref!.ts;
    const before = host.calls.length;
    const tooMany = Array.from({ length: 60 }, (_, i) => section(`step ${i}`));
    await showMessage(d, state, view(2), CHANNEL, msg("v2", tooMany));
    const tries = host.calls.slice(before).filter((c) => c.method === "chat.update");
    expect(tries.map((c) => c.error ?? "ok")).toEqual(["invalid_blocks", "ok"]);
    expect(host.message(CHANNEL, ts)!.blocks.length).toBeLessThanOrEqual(50);

    const mark = host.calls.length;
    await showMessage(d, state, view(3), CHANNEL, msg("v3", [section("y".repeat(4000))]));
    const second = host.calls.slice(mark).filter((c) => c.method === "chat.update");
    expect(second.map((c) => c.error ?? "ok")).toEqual(["invalid_blocks", "ok"]);
    expect(new Set(second.map((c) => String(c.args.blocks))).size).toBe(2);
    expect(d.store.records.get(view(3).migration.id)?.renderedVersion).toBe(3);
  });

  it("blocks past Slack's size are refused with msg_blocks_too_long and shrunk too", async () => {
    const d = deps();
    const state: MessageState = { refSaved: false };
    await showMessage(d, state, view(1), CHANNEL, msg("v1"));
    const mark = host.calls.length;
    const big = Array.from({ length: 10 }, (_, i) => section(`${i}`.repeat(2900)));
    await showMessage(d, state, view(2), CHANNEL, msg("v2", big));
    const tries = host.calls.slice(mark).filter((c) => c.method === "chat.update");
    expect(tries.map((c) => c.error ?? "ok")).toEqual(["msg_blocks_too_long", "ok"]);
  });

  it("a live message someone deleted is reported so a new one is posted", async () => {
    const d = deps();
    const state: MessageState = { refSaved: false };
    adopt(state, { ref: { channel: CHANNEL, ts: "1.999999" }, reportPosted: false });
    expect(await showMessage(d, state, view(7), CHANNEL, msg("v7"))).toEqual({ kind: "deleted" });
    await showMessage(d, state, view(7), CHANNEL, msg("v7"));
    expect(state.ref?.ts).not.toBe("1.999999");
    expect(d.store.refWrites.at(-1)?.ref.ts).toBe(state.ref?.ts);
  });
});

describe("closing summary", () => {
  it("posted once, when the migration has ended, and recorded as posted", async () => {
    const store = new MemoryLiveStore(() => T0);
    const posts: string[] = [];
    const m = { ...migrationAt(2, { state: "running", startedAt: T0, run: 1 }) };
    const report = {
      id: m.id,
      env: "production",
      source: "a",
      target: "b",
      status: "completed" as const,
      startedBy: "U0ALICE001",
      createdAt: T0,
      steps: [],
      approvals: [],
      handoffGaps: [],
      dnsChanges: [],
      acceptedWarnings: [],
      nextSteps: "delete the old cluster",
    };
    const d = {
      commands: { report: async () => report, auditDropped: async () => 12 },
      store,
      names: async () => ({ U0ALICE001: "alice" }),
      postReply: async (_ref: unknown, text: string) => {
        posts.push(text);
        return "9.9";
      },
    };
    const state = { posted: false };
    const ref = { channel: CHANNEL, ts: "1.1" };
    await postReportOnce(d, state, m, ref);
    expect(posts).toEqual([]);
    const done = { ...m, status: "completed" as const };
    await postReportOnce(d, state, done, ref);
    await postReportOnce(d, state, done, ref);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain("started by @alice");
    expect(posts[0]).toContain("12 further refusals");
    expect(store.records.get(m.id)?.reportPosted).toBe(true);
  });
});
