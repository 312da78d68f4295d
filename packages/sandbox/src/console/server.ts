// The console's HTTP server on 127.0.0.1: the page and its modules (plain files, no bundler), a
// server-sent event stream of the console state, and the actions a person takes. Every action reaches
// the bot as Slack sends it: a signed slash command or block_actions payload to its HTTP receiver.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buttonsOf } from "@hikkoshi/test-hosts/slack/slackClient";
import { z } from "zod";
import { FAULTS } from "../faults.js";
import type { Session } from "../session.js";
import { SANDBOX_CHANNEL } from "../world.js";
import { homeFingerprint, viewWorld } from "../worldView.js";
import { type AckReply, CONSOLE_USERS } from "./channelFeed.js";
import { consoleState } from "./consoleState.js";

const STATIC_DIR = fileURLToPath(new URL("./static/", import.meta.url));
const STATIC_FILES = ["index.html", "app.js", "blockKit.js", "mrkdwn.js", "worldPanel.js", "style.css"];
// Modules the page shares with the text console, served from the test-hosts package as they are.
const SHARED_FILES = {
  "emoji.js": createRequire(import.meta.url).resolve("@hikkoshi/test-hosts/slack/emoji.js"),
};
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
// The page runs only its own modules; message text is never parsed as HTML (CSP as a second fence).
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};
const MAX_BODY = 16 * 1024;

const userKey = z.enum(["alice", "bob", "carol", "mallory"]);
const commandBody = z.object({ user: userKey, text: z.string().max(2000) });
const clickBody = z.object({
  user: userKey,
  ts: z.string().regex(/^\d+\.\d+$/),
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255).optional(),
});
const faultBody = z.object({ name: z.enum(FAULTS), on: z.boolean().default(true) });

export interface ConsoleServer {
  url: string;
  /** The session shown now (a reset replaces it). */
  session(): Session;
  /** Stops serving; the session is the caller's to close. */
  close(): Promise<void>;
}

class BadRequest extends Error {}

/** The body, up to MAX_BODY bytes; a longer one is read to its end (so the answer arrives) and refused. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () =>
      size > MAX_BODY
        ? reject(new BadRequest(`body over ${MAX_BODY} bytes`))
        : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

function parse<T>(schema: z.ZodType<T>, raw: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BadRequest("body must be JSON");
  }
  const r = schema.safeParse(json);
  if (!r.success)
    throw new BadRequest(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return r.data;
}

export async function startConsoleServer(
  first: Session,
  /** `restart`: how "Start over" gets a fresh world (without it, the button answers 400). */
  opts: { port?: number; restart?: () => Promise<Session> } = {},
): Promise<ConsoleServer> {
  let session = first;
  let restarting = false;
  const files = new Map(STATIC_FILES.map((f) => [`/${f}`, readFileSync(join(STATIC_DIR, f))]));
  for (const [name, path] of Object.entries(SHARED_FILES)) files.set(`/${name}`, readFileSync(path));
  files.set("/", files.get("/index.html")!);
  const acks: AckReply[] = [];
  let home = homeFingerprint(viewWorld(session.world));
  const clients = new Set<ServerResponse>();
  let last = "";

  const state = () =>
    consoleState(session.world, { acks, faults: session.faults, invariants: session.invariants, home });
  const idOf = (key: string) => CONSOLE_USERS.find((u) => u.key === key)!.id;

  const command = async (raw: string) => {
    const b = parse(commandBody, raw);
    const text = b.text.trim().replace(/^\/migrate\b\s*/, "");
    const res = await session.world.client.slashCommand({
      userId: idOf(b.user),
      userName: b.user,
      text,
      channelId: SANDBOX_CHANNEL,
      channelName: "migrations",
      command: "/migrate",
    });
    const ack = res.json as { text?: string; blocks?: unknown[] } | undefined;
    const reply =
      res.status !== 200
        ? `/migrate failed with the error "dispatch_failed" (HTTP ${res.status})`
        : (ack?.text ?? undefined);
    if (reply !== undefined)
      acks.push({
        user: idOf(b.user),
        at: Date.now(),
        text: reply,
        blocks: ack?.blocks ?? [],
        command: `/migrate ${text}`,
      });
    return { status: res.status };
  };

  const click = async (raw: string) => {
    const b = parse(clickBody, raw);
    const m = session.world.slack.message(SANDBOX_CHANNEL, b.ts);
    if (!m) throw new BadRequest(`no message ${b.ts} in the channel`);
    const button = buttonsOf(m.blocks).find(
      (x) => x.action_id === b.actionId && (b.blockId === undefined || x.block_id === b.blockId),
    );
    if (!button) throw new BadRequest(`no button ${b.actionId} on message ${b.ts} (it changed since)`);
    const res = await session.world.client.clickOn(m, button, idOf(b.user), { userName: b.user });
    if (res.status !== 200)
      acks.push({
        user: idOf(b.user),
        at: Date.now(),
        text: `The app did not answer (HTTP ${res.status})`,
        blocks: [],
        command: "",
      });
    return { status: res.status };
  };

  const fault = async (raw: string) => {
    const b = parse(faultBody, raw);
    try {
      session.faults.set(b.name, b.on);
    } catch (err) {
      throw new BadRequest((err as Error).message);
    }
    return { ok: true };
  };

  const reset = async () => {
    if (!opts.restart) throw new BadRequest("this console was started without a way to restart its world");
    restarting = true;
    try {
      const old = session;
      session = await opts.restart();
      acks.length = 0;
      home = homeFingerprint(viewWorld(session.world));
      await old.close();
    } finally {
      restarting = false;
    }
    return { ok: true };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (req.method === "GET" && files.has(path)) {
      const type = TYPES[extname(path === "/" ? "/index.html" : path)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-cache", ...SECURITY_HEADERS });
      res.end(files.get(path));
      return;
    }
    if (req.method === "GET" && path === "/events") {
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        ...SECURITY_HEADERS,
      });
      res.write(`retry: 1000\n\nevent: state\ndata: ${last || JSON.stringify(await state())}\n\n`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    if (req.method === "GET" && path === "/api/state") return sendJson(res, 200, await state());
    const actions: Record<string, (raw: string) => Promise<unknown>> = {
      "/api/command": command,
      "/api/click": click,
      "/api/fault": fault,
      "/api/reset": reset,
    };
    const action = actions[path];
    if (action && req.method === "POST") {
      if (!(req.headers["content-type"] ?? "").includes("application/json"))
        return sendJson(res, 415, { error: "send application/json" });
      if (restarting)
        return sendJson(res, 409, { error: "the world is restarting; try again in a few seconds" });
      const out = await action(await readBody(req));
      void broadcast();
      return sendJson(res, 200, out);
    }
    sendJson(res, 404, { error: `no ${req.method} ${path}; the console is at /` });
  };

  let broadcasting = false;
  const broadcast = async () => {
    if (broadcasting) return;
    broadcasting = true;
    try {
      const next = JSON.stringify(await state());
      if (next === last) return;
      last = next;
      for (const c of clients) c.write(`event: state\ndata: ${next}\n\n`);
    } finally {
      broadcasting = false;
    }
  };
  const ticker = setInterval(() => void broadcast().catch(() => {}), 200);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(": keep-alive\n\n");
  }, 15_000);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.end();
      if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
      sendJson(res, 500, { error: (err as Error).message });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    session: () => session,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        clearInterval(heartbeat);
        for (const c of clients) c.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
