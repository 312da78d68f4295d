// The bot's real HTTP port under requests Slack never sends: every one is answered (404, 405, 400, 401,
// 413) and the process keeps serving; clicks only from the environment's channel; internal error texts
// stay in the log.

import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { ACTION_APPROVE, encodeButtonValue } from "../../src/bot/actions/value.js";
import { MAX_BODY_BYTES, MAX_CONNECTIONS } from "../../src/bot/http/limits.js";
import type { Logger } from "../../src/runtime/logger.js";
import { keys } from "../../src/store/keys.js";
import { waitForGate } from "../support/engineHarness.js";
import { rawRequest } from "./edgeRaw.js";
import {
  ALICE,
  ackText,
  CHANNEL,
  ephemeralFor,
  ephemeralsFor,
  MALLORY,
  messageShows,
  PAT,
  startMigration,
  useBotWorld,
} from "./harness.js";

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}
const lines: Line[] = [];
const recorder: Logger = {
  debug: (obj, msg) =>
    lines.push({ level: "debug", obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
  info: (obj, msg) =>
    lines.push({ level: "info", obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
  warn: (obj, msg) =>
    lines.push({ level: "warn", obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
  error: (obj, msg) =>
    lines.push({ level: "error", obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
};

const w = useBotWorld({ logger: recorder }, { beforeStart: () => lines.splice(0) });

const base = () => w.client.requestUrl.replace(/\/slack\/events$/, "");
const port = () => Number(new URL(w.client.requestUrl).port);
const FORM = "application/x-www-form-urlencoded";

async function stillServes(): Promise<void> {
  const res = await w.client.slashCommand({ userId: ALICE, text: "help" });
  expect(res.status).toBe(200);
  expect(ackText(res.json)).toMatch(/moves an environment to a new cluster/);
}

describe("every request gets an answer", () => {
  it("unknown paths 404, wrong methods 405 with Allow, and the ops endpoints answer unsigned", async () => {
    const got = async (method: string, path: string) => {
      const res = await fetch(`${base()}${path}`, { method });
      await res.arrayBuffer();
      return [res.status, res.headers.get("allow")];
    };
    expect(await got("GET", "/")).toEqual([404, null]);
    expect(await got("POST", "/slack/other")).toEqual([404, null]);
    expect(await got("GET", "/slack/events")).toEqual([405, "POST"]);
    expect(await got("HEAD", "/slack/events")).toEqual([405, "POST"]);
    expect(await got("DELETE", "/slack/events?x=1")).toEqual([405, "POST"]);
    expect(await got("PUT", "/healthz")).toEqual([405, "GET, HEAD"]);
    expect(await got("GET", "/healthz")).toEqual([200, null]);
    expect(await got("GET", "/metrics")).toEqual([404, null]);
    const ready = await fetch(`${base()}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, checks: [], failing: {} }]);
    expect((await rawRequest(port(), "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")).status).toBe(404);
    expect((await rawRequest(port(), "CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n")).status).toBe(
      405,
    );
    expect((await rawRequest(port(), "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")).status).toBe(400);
    expect((await rawRequest(port(), "GET / HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n")).status).toBe(400);
    const huge = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    expect((await rawRequest(port(), huge)).status).toBe(431);
    await stillServes();
  });

  it("malformed signed payloads get 400 with the reason in the log, never 5xx, and nothing crashes", async () => {
    const signed = (body: string) => w.client.send(w.client.sign(body, FORM));
    const click = w.client.blockActionsPayload({
      userId: PAT,
      actionId: ACTION_APPROVE,
      value: encodeButtonValue({ migrationId: "production-20261125-1", version: 1 }),
      channelId: CHANNEL,
      messageTs: "1.1",
    });
    const asPayload = (p: unknown) => new URLSearchParams({ payload: JSON.stringify(p) }).toString();
    const bodies = [
      "payload=null",
      "payload=42",
      "payload=%5B%5D",
      "payload=%7B",
      asPayload({ ...click, user: undefined }),
      asPayload({ ...click, actions: undefined }),
      asPayload({ ...click, channel: null }),
      asPayload({ ...click, user: { id: 7 } }),
      asPayload({ type: "block_actions" }),
      new URLSearchParams({
        ...w.client.slashCommandPayload({ userId: ALICE, text: "help" }),
        user_id: "",
      }).toString(),
    ];
    const statuses: number[] = [];
    for (const body of bodies) statuses.push((await signed(body)).status);
    expect(statuses).toEqual(bodies.map(() => 400));
    const reasons = lines.filter((l) => l.obj.status === 400).map((l) => String(l.obj.reason));
    expect(reasons).toHaveLength(bodies.length);
    expect(reasons[0]).toBe("payload is null, not an object");
    expect(reasons[4]).toMatch(/^block_actions: user/);
    // Unsigned, the same bodies are refused for the signature, before anything is parsed.
    const unsigned = await fetch(w.client.requestUrl, {
      method: "POST",
      headers: { "content-type": FORM },
      body: "payload=null",
    });
    expect(unsigned.status).toBe(401);
    await stillServes();
  });

  it("answers Slack's unsigned ssl_check and acknowledges requests for other apps' commands", async () => {
    const ssl = await fetch(w.client.requestUrl, {
      method: "POST",
      headers: { "content-type": FORM },
      body: "ssl_check=1&token=x",
    });
    expect(ssl.status).toBe(200);
    const other = await w.client.slashCommand({ userId: ALICE, text: "x", command: "/deploy" });
    expect([other.status, ackText(other.json)]).toEqual([200, "This app answers /migrate only."]);
  });
});

describe("limits at the edge", () => {
  it("a declared body over the limit is refused with 413 before the rest is read", async () => {
    const size = 10 * 1024 * 1024;
    const head =
      `POST /slack/events HTTP/1.1\r\nHost: x\r\ncontent-type: ${FORM}\r\ncontent-length: ${size}\r\n` +
      `x-slack-request-timestamp: ${Math.floor(Date.now() / 1000)}\r\nx-slack-signature: v0=00\r\n\r\n`;
    const res = await rawRequest(port(), head, Buffer.alloc(size, 0x61));
    expect(res.status).toBe(413);
    expect(res.head.toLowerCase()).toContain("connection: close");
    // The answer came while most of the declared body was still unsent.
    expect(res.sentBeforeAnswer).toBeLessThan(size / 2);
    await stillServes();
  });

  it("an Expect: 100-continue request over the limit gets 413 without being invited to send", async () => {
    const head =
      `POST /slack/events HTTP/1.1\r\nHost: x\r\ncontent-type: ${FORM}\r\ncontent-length: ${MAX_BODY_BYTES + 1}\r\n` +
      "expect: 100-continue\r\nx-slack-request-timestamp: 1\r\nx-slack-signature: v0=00\r\n\r\n";
    const res = await rawRequest(port(), head);
    expect(res.status).toBe(413);
    await stillServes();
  });

  it("a chunked body is cut off with 413 as soon as it passes the limit", async () => {
    const head =
      `POST /slack/events HTTP/1.1\r\nHost: x\r\ncontent-type: ${FORM}\r\ntransfer-encoding: chunked\r\n` +
      `x-slack-request-timestamp: ${Math.floor(Date.now() / 1000)}\r\nx-slack-signature: v0=00\r\n\r\n`;
    const piece = `4000\r\n${"a".repeat(0x4000)}\r\n`;
    const total = 8 * 1024 * 1024;
    const res = await rawRequest(port(), head, piece.repeat(Math.ceil(total / 0x4000)), {
      chunk: piece.length,
    });
    expect(res.status).toBe(413);
    expect(res.sentBeforeAnswer).toBeLessThan(total / 2);
    await stillServes();
  });

  it("a signed body just under the limit is read, and an oversized command gets a specific error", async () => {
    const text = `start ${"p".repeat(MAX_BODY_BYTES - 2_000)}`;
    const res = await w.client.slashCommand({ userId: ALICE, text });
    expect(res.status).toBe(200);
    expect(ackText(res.json)).toMatch(/the command is \d+ characters long; at most 2000 are read/);
    const word = await w.client.slashCommand({ userId: ALICE, text: `start ${"p".repeat(1_500)}` });
    expect(ackText(word.json)).toMatch(/environment "p+…" is 1500 characters long; names are at most 63/);
    expect(await w.engine.commands.active()).toEqual([]);
  });
});

describe("the connection cap", () => {
  it("closes connections beyond the cap at once, and serves again when the others go", async () => {
    const open: Socket[] = [];
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        const s = connect(port(), "127.0.0.1");
        s.on("error", () => {});
        await new Promise<void>((resolve, reject) => {
          s.once("connect", () => resolve());
          s.once("error", reject);
        });
        open.push(s);
      }
      await expect(
        rawRequest(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "", { timeoutMs: 10_000 }),
      ).rejects.toThrow(/closed without an HTTP answer/);
      expect(lines.some((l) => l.msg === "connection cap reached; dropped a connection")).toBe(true);
    } finally {
      for (const s of open) s.destroy();
    }
    // The server counts a connection until it has seen it close.
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = await rawRequest(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(status).toBe(200);
  });
});

describe("clicks are bound to their environment's channel", () => {
  it("refuses a click from another channel, specifically, and accepts the same click from the channel", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    const before = (await w.engine.store.get(id))!;
    const elsewhere = await w.client.clickButton({ ...msg, channel: "C0ELSEWHR1" }, "Approve cutover", PAT);
    expect(elsewhere.status).toBe(200);
    const refusal = await ephemeralFor(w, PAT, /refused/);
    expect(refusal).toMatch(
      new RegExp(
        `belongs to the live message of ${id} in #?${CHANNEL}; a click from #?C0ELSEWHR1 is refused and nothing was done`,
      ),
    );
    const after = (await w.engine.store.get(id))!;
    expect([after.version, after.approvals]).toEqual([before.version, []]);
    await w.client.clickButton(msg, "Approve cutover", PAT);
    await waitForGate(w.engine, id, "gate-decommission");
    expect(ephemeralsFor(w, PAT)).toHaveLength(1);
  });
});

describe("internal errors stay in the log", () => {
  it("a Redis error reaches the person as a cause and a reference, and the log has the detail", async () => {
    // The test world's own connection to the same redis-server.
    const redis = w.ports.world.redis;
    try {
      await redis.set(keys.active(), "not a set");
      const res = await w.client.slashCommand({ userId: MALLORY, text: "status" });
      expect(res.status).toBe(200);
      const text = await ephemeralFor(w, MALLORY, /could not be completed/);
      expect(text).toMatch(
        /`?\/migrate status`? could not be completed: the bot could not read or write its state \(Redis\)/,
      );
      const ref = /Reference `?([0-9a-f]{8})`?/.exec(text)?.[1];
      expect(ref).toBeDefined();
      expect(text).not.toMatch(/WRONGTYPE|ReplyError|at .*\.ts:\d+/);
      const logged = lines.find((l) => l.obj.ref === ref);
      expect(logged?.level).toBe("error");
      expect(String(logged?.obj.err)).toMatch(/WRONGTYPE/);
      expect(String(logged?.obj.stack)).toMatch(/\n\s+at /);
    } finally {
      await redis.del(keys.active());
    }
  });
});
