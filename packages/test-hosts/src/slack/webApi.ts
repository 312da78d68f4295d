// The Web API methods hikkoshi calls, with Slack's response shapes and error codes.

import { validateBlocks } from "./blockKit.js";
import type { SlackStore, StoredMessage } from "./store.js";

export interface Identity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface WorldState {
  identity: Identity;
  store: SlackStore;
  isChannel(id: string): boolean;
  usergroups: Map<string, string[]>;
  users: Map<string, { name: string; realName: string; tz: string }>;
  maxBlocksJson: number;
  now(): number;
}

export type Args = Record<string, unknown>;
export type MethodResult = Record<string, unknown> & { ok: boolean };
type Handler = (w: WorldState, args: Args) => MethodResult;

const fail = (error: string, extra: Record<string, unknown> = {}): MethodResult => ({
  ok: false,
  error,
  ...extra,
});

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** Blocks arrive JSON-encoded in form posts and as arrays in JSON posts. */
function readBlocks(
  v: unknown,
): { ok: true; blocks: unknown[] | undefined } | { ok: false; result: MethodResult } {
  if (v === undefined || v === "") return { ok: true, blocks: undefined };
  let parsed: unknown = v;
  if (typeof v === "string") {
    try {
      parsed = JSON.parse(v);
    } catch {
      return { ok: false, result: fail("invalid_blocks_format") };
    }
  }
  if (!Array.isArray(parsed)) return { ok: false, result: fail("invalid_blocks_format") };
  return { ok: true, blocks: parsed };
}

/** The checks chat.postMessage and chat.update share. */
function content(
  w: WorldState,
  args: Args,
): { ok: true; text: string; blocks: unknown[] } | { ok: false; result: MethodResult } {
  const b = readBlocks(args.blocks);
  if (!b.ok) return b;
  const text = typeof args.text === "string" ? args.text : "";
  if (text.length === 0 && (b.blocks === undefined || b.blocks.length === 0))
    return { ok: false, result: fail("no_text") };
  if (text.length > 40_000) return { ok: false, result: fail("msg_too_long") };
  if (b.blocks !== undefined) {
    const errors = validateBlocks(b.blocks, Number.POSITIVE_INFINITY);
    if (errors.length > 0) {
      return {
        ok: false,
        result: fail("invalid_blocks", {
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
        }),
      };
    }
  }
  // Valid blocks that add up to more than about 13k characters of JSON get Slack's own code (no block is
  // wrong; the message is too big), not `invalid_blocks`.
  if (b.blocks !== undefined && JSON.stringify(b.blocks).length > w.maxBlocksJson)
    return { ok: false, result: fail("msg_blocks_too_long") };
  return { ok: true, text, blocks: b.blocks ?? [] };
}

function messageJson(w: WorldState, m: StoredMessage): Record<string, unknown> {
  return {
    type: "message",
    text: m.text,
    user: m.user,
    bot_id: m.botId,
    ts: m.ts,
    team: w.identity.teamId,
    app_id: w.identity.appId,
    blocks: m.blocks,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.updates > 0 ? { edited: { user: m.user, ts: m.versions[m.versions.length - 1]!.at / 1000 } } : {}),
  };
}

export const METHODS: Record<string, Handler> = {
  "api.test": () => ({ ok: true, args: {} }),

  "auth.test": (w) => ({
    ok: true,
    url: `https://${w.identity.teamDomain}.slack.com/`,
    team: w.identity.teamDomain,
    user: "hikkoshi",
    team_id: w.identity.teamId,
    user_id: w.identity.botUserId,
    bot_id: w.identity.botId,
    is_enterprise_install: false,
  }),

  "chat.postMessage": (w, args) => {
    const channel = str(args.channel);
    if (!channel || !w.isChannel(channel)) return fail("channel_not_found");
    const c = content(w, args);
    if (!c.ok) return c.result;
    const threadTs = str(args.thread_ts);
    if (threadTs && !w.store.get(channel, threadTs)) return fail("thread_not_found");
    const now = w.now();
    const m: StoredMessage = {
      channel,
      ts: w.store.nextTs(now),
      text: c.text,
      blocks: c.blocks,
      user: w.identity.botUserId,
      botId: w.identity.botId,
      ...(threadTs ? { threadTs } : {}),
      updates: 0,
      versions: [{ at: now, text: c.text, blocks: c.blocks }],
    };
    w.store.messages.set(w.store.key(channel, m.ts), m);
    return { ok: true, channel, ts: m.ts, message: messageJson(w, m) };
  },

  "chat.update": (w, args) => {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel || !w.isChannel(channel)) return fail("channel_not_found");
    if (!ts) return fail("message_not_found");
    const m = w.store.get(channel, ts);
    if (!m) return fail("message_not_found");
    if (m.user !== w.identity.botUserId) return fail("cant_update_message");
    const c = content(w, args);
    if (!c.ok) return c.result;
    m.text = c.text;
    m.blocks = c.blocks;
    m.updates += 1;
    m.versions.push({ at: w.now(), text: c.text, blocks: c.blocks });
    return { ok: true, channel, ts, text: m.text, message: messageJson(w, m) };
  },

  "chat.postEphemeral": (w, args) => {
    const channel = str(args.channel);
    const user = str(args.user);
    if (!channel || !w.isChannel(channel)) return fail("channel_not_found");
    if (!user || !w.users.has(user)) return fail("user_not_found");
    const c = content(w, args);
    if (!c.ok) return c.result;
    const at = w.now();
    w.store.ephemerals.push({ via: "chat.postEphemeral", at, channel, user, text: c.text, blocks: c.blocks });
    return { ok: true, message_ts: w.store.nextTs(at) };
  },

  "usergroups.users.list": (w, args) => {
    const group = str(args.usergroup);
    if (!group) return fail("invalid_arguments");
    const users = w.usergroups.get(group);
    if (!users) return fail("no_such_subteam");
    return { ok: true, users: [...users] };
  },

  "users.info": (w, args) => {
    const id = str(args.user);
    const u = id ? w.users.get(id) : undefined;
    if (!id || !u) return fail("user_not_found");
    return {
      ok: true,
      user: {
        id,
        team_id: w.identity.teamId,
        name: u.name,
        real_name: u.realName,
        tz: u.tz,
        deleted: false,
        is_bot: false,
        profile: { real_name: u.realName, display_name: u.name },
      },
    };
  },
};
