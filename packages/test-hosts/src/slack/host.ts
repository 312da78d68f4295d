// A Slack Web API test host on 127.0.0.1: the methods hikkoshi calls, with Slack's response shapes and
// errors (`not_authed`, `invalid_auth`, `channel_not_found`, `invalid_blocks`, HTTP 429 `ratelimited`
// with Retry-After), bearer-token checks, per-method rate limits, a record of every call, and
// response_url endpoints so `respond()` answers are recorded too. Point the bot's SLACK_API_URL at `apiUrl`.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { readBody } from "../http/body.js";
import { closeServer, listenOnLoopback } from "../http/listen.js";
import { respond } from "../http/respond.js";
import { createSocketModeHost, type SocketModeHost } from "./socketMode.js";
import { type EphemeralMessage, type RecordedCall, SlackStore, type StoredMessage } from "./store.js";
import { type Args, type Identity, METHODS, type MethodResult, type WorldState } from "./webApi.js";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** What one budget covers: the method, one channel, or one message (channel + ts). Default "method". */
  per?: "method" | "channel" | "message";
  /** Fixed Retry-After in seconds; default: until the window frees a slot (at least 1). */
  retryAfterSeconds?: number;
}

export interface SlackHostOptions {
  /** Accepted bot tokens (`xoxb-...`). */
  tokens: string[];
  /** Accepted app-level tokens (`xapp-...`) for apps.connections.open (Socket Mode). */
  appTokens?: string[];
  port?: number;
  identity?: Partial<Identity>;
  /** Known channel ids; default: any id that looks like one (C.../G.../D...). */
  channels?: string[];
  usergroups?: Record<string, string[]>;
  users?: Record<string, { name: string; realName?: string; tz?: string }>;
  rateLimits?: Record<string, RateLimit>;
  /** Blocks JSON longer than this is refused as `invalid_blocks` (Slack has refused ~13k). */
  maxBlocksJson?: number;
  now?: () => number;
}

export interface ResponseUrlContext {
  channel?: string;
  user?: string;
  /** The message a button was clicked in (for replace_original / delete_original). */
  messageTs?: string;
}

export interface SlackTestHost {
  /** `http://127.0.0.1:port` */
  url: string;
  /** `http://127.0.0.1:port/api/` (what SLACK_API_URL should be). */
  apiUrl: string;
  store: SlackStore;
  calls: RecordedCall[];
  ephemerals: EphemeralMessage[];
  /** Socket Mode: envelopes to the connected app, disconnects and drops. */
  socketMode: SocketModeHost;
  /** A response_url for one slash command or click (usable 5 times in 30 minutes, like Slack's). */
  responseUrl(ctx?: ResponseUrlContext): string;
  message(channel: string, ts: string): StoredMessage | undefined;
  channelMessages(channel: string): StoredMessage[];
  replies(channel: string, ts: string): StoredMessage[];
  setUsergroup(id: string, users: string[]): void;
  setRateLimit(method: string, limit: RateLimit | undefined): void;
  /** The next `times` calls of `method` fail with this Slack error (HTTP 429 + Retry-After for `ratelimited`). */
  failNext(method: string, error: string, opts?: { times?: number; retryAfterSeconds?: number }): void;
  close(): Promise<void>;
}

function parseArgs(req: IncomingMessage, raw: string): Args {
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) {
    try {
      const v: unknown = JSON.parse(raw || "{}");
      return typeof v === "object" && v !== null ? (v as Args) : {};
    } catch {
      return {};
    }
  }
  const q = parseQuery(raw);
  const out: Args = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

export async function startSlackTestHost(opts: SlackHostOptions): Promise<SlackTestHost> {
  const now = opts.now ?? Date.now;
  const store = new SlackStore();
  const identity: Identity = {
    teamId: "T0HIKKOSHI",
    teamDomain: "hikkoshi-test",
    botUserId: "U0HIKKOBOT",
    botId: "B0HIKKOBOT",
    appId: "A0HIKKOSHI",
    ...opts.identity,
  };
  const channels = opts.channels ? new Set(opts.channels) : undefined;
  const users = new Map(
    Object.entries(opts.users ?? {}).map(([id, u]) => [
      id,
      { name: u.name, realName: u.realName ?? u.name, tz: u.tz ?? "UTC" },
    ]),
  );
  const world: WorldState = {
    identity,
    store,
    isChannel: (id) => (channels ? channels.has(id) : /^[CGD][A-Z0-9]{2,}$/.test(id)),
    usergroups: new Map(Object.entries(opts.usergroups ?? {})),
    users,
    maxBlocksJson: opts.maxBlocksJson ?? 13_000,
    now,
  };
  const limits = new Map(Object.entries(opts.rateLimits ?? {}));
  const windows = new Map<string, number[]>();
  const injected = new Map<string, { error: string; times: number; retryAfterSeconds: number }>();
  const responseUrls = new Map<string, ResponseUrlContext & { uses: number; createdAt: number }>();
  let seq = 0;
  const socketMode = createSocketModeHost(identity.appId);
  let baseUrl = "";

  /** Seconds to wait when over the limit, else undefined (and the call is counted). */
  const rateCheck = (method: string, args: Args): number | undefined => {
    const rl = limits.get(method);
    if (!rl) return undefined;
    const per = rl.per ?? "method";
    const key =
      per === "method"
        ? method
        : per === "channel"
          ? `${method}|${String(args.channel)}`
          : `${method}|${String(args.channel)}|${String(args.ts)}`;
    const t = now();
    const hits = (windows.get(key) ?? []).filter((at) => t - at < rl.windowMs);
    if (hits.length >= rl.limit) {
      windows.set(key, hits);
      return rl.retryAfterSeconds ?? Math.max(1, Math.ceil((hits[0]! + rl.windowMs - t) / 1000));
    }
    hits.push(t);
    windows.set(key, hits);
    return undefined;
  };

  const handleApi = (req: IncomingMessage, res: ServerResponse, method: string, raw: string) => {
    const args = parseArgs(req, raw);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ")
      ? auth.slice(7)
      : typeof args.token === "string"
        ? args.token
        : undefined;
    const { token: _omit, ...recorded } = args;
    const call: RecordedCall = { seq: ++seq, at: now(), method, args: recorded, status: 200, ok: false };
    store.calls.push(call);
    const reply = (status: number, body: MethodResult, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = body.ok;
      if (!body.ok) call.error = String(body.error);
      respond(res, status, body, { headers });
    };
    if (method === "apps.connections.open") {
      if (!token) return reply(200, { ok: false, error: "not_authed" });
      if (opts.tokens.includes(token)) return reply(200, { ok: false, error: "not_allowed_token_type" });
      if (!(opts.appTokens ?? []).includes(token)) return reply(200, { ok: false, error: "invalid_auth" });
      return reply(200, { ok: true, url: socketMode.issueUrl(baseUrl) });
    }
    const handler = METHODS[method];
    if (!handler) return reply(200, { ok: false, error: "unknown_method", req_method: method });
    if (!token) return reply(200, { ok: false, error: "not_authed" });
    if (!opts.tokens.includes(token)) return reply(200, { ok: false, error: "invalid_auth" });
    const inj = injected.get(method);
    if (inj && inj.times > 0) {
      inj.times -= 1;
      if (inj.error === "ratelimited") {
        return reply(
          429,
          { ok: false, error: "ratelimited" },
          { "retry-after": String(inj.retryAfterSeconds) },
        );
      }
      return reply(200, { ok: false, error: inj.error });
    }
    const wait = rateCheck(method, args);
    if (wait !== undefined)
      return reply(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
    reply(200, handler(world, args));
  };

  const handleResponseUrl = (res: ServerResponse, id: string, raw: string) => {
    const ctx = responseUrls.get(id);
    if (!ctx || now() - ctx.createdAt > 30 * 60_000) return respond(res, 404, "expired_url");
    if (ctx.uses >= 5) return respond(res, 404, "used_url");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return respond(res, 400, "invalid_payload");
    }
    const blocks = Array.isArray(body.blocks) ? (body.blocks as unknown[]) : [];
    const text = typeof body.text === "string" ? body.text : "";
    if (text.length === 0 && blocks.length === 0 && body.delete_original !== true)
      return respond(res, 400, "no_text");
    ctx.uses += 1;
    const original = ctx.channel && ctx.messageTs ? store.get(ctx.channel, ctx.messageTs) : undefined;
    if (body.delete_original === true && original) {
      store.messages.delete(store.key(original.channel, original.ts));
    } else if (body.replace_original === true && original) {
      original.text = text;
      original.blocks = blocks;
      original.updates += 1;
      original.versions.push({ at: now(), text, blocks });
    } else {
      store.ephemerals.push({
        via: "response_url",
        at: now(),
        ...(ctx.channel ? { channel: ctx.channel } : {}),
        ...(ctx.user ? { user: ctx.user } : {}),
        text,
        blocks,
        ...(typeof body.response_type === "string" ? { responseType: body.response_type } : {}),
        ...(typeof body.replace_original === "boolean" ? { replaceOriginal: body.replace_original } : {}),
      });
    }
    respond(res, 200, "ok");
  };

  const server: Server = createServer((req, res) => {
    void readBody(req)
      .then((raw) => {
        const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
        if (req.method === "POST" && path.startsWith("/api/")) return handleApi(req, res, path.slice(5), raw);
        if (req.method === "POST" && path.startsWith("/response/"))
          return handleResponseUrl(res, path.slice(10), raw);
        respond(res, 404, "not found");
      })
      .catch(() => respond(res, 500, "error"));
  });
  server.on("upgrade", (req, socket) => socketMode.handleUpgrade(req, socket));
  const port = await listenOnLoopback(server, opts.port);
  const url = `http://127.0.0.1:${port}`;
  baseUrl = url;

  return {
    url,
    apiUrl: `${url}/api/`,
    store,
    calls: store.calls,
    ephemerals: store.ephemerals,
    socketMode,
    responseUrl(ctx = {}) {
      const id = randomBytes(12).toString("hex");
      responseUrls.set(id, { ...ctx, uses: 0, createdAt: now() });
      return `${url}/response/${id}`;
    },
    message: (c, ts) => store.get(c, ts),
    channelMessages: (c) => store.channelMessages(c),
    replies: (c, ts) => store.replies(c, ts),
    setUsergroup: (id, members) => {
      world.usergroups.set(id, [...members]);
    },
    setRateLimit: (method, limit) => {
      if (limit) limits.set(method, limit);
      else limits.delete(method);
      windows.clear();
    },
    failNext: (method, error, o = {}) => {
      injected.set(method, { error, times: o.times ?? 1, retryAfterSeconds: o.retryAfterSeconds ?? 1 });
    },
    close: () => {
      socketMode.close();
      return closeServer(server);
    },
  };
}
