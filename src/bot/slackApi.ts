// The few Web API calls the live messages and permissions need, behind a small interface so the coalescer
// can be tested with an injected clock. Rate limits surface as `SlackRateLimited` (we schedule the retry
// ourselves, so a burst collapses into the latest state instead of queueing stale ones).

import { webApi } from "@slack/bolt";
import { classifyCallError, recordExternalCall } from "../observability/externalCalls.js";
import type { Block } from "./render/blocks.js";

export class SlackRateLimited extends Error {
  constructor(
    readonly method: string,
    readonly retryAfterMs: number,
  ) {
    super(`${method} rate limited; retry after ${retryAfterMs} ms`);
    this.name = "SlackRateLimited";
  }
}

/** A Slack platform error (`{ok:false,error}`): retrying the same request will not help. */
export class SlackPlatformError extends Error {
  constructor(
    readonly method: string,
    readonly error: string,
    readonly detail: string[],
  ) {
    super(`${method} failed: ${error}${detail.length > 0 ? ` (${detail.join("; ")})` : ""}`);
    this.name = "SlackPlatformError";
  }
}

/** Slack message metadata: a typed event attached to the message (here: which record version it shows). */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number>;
}

export interface PostArgs {
  channel: string;
  text: string;
  blocks?: Block[];
  threadTs?: string;
  metadata?: MessageMetadata;
}

export interface UpdateArgs {
  channel: string;
  ts: string;
  text: string;
  blocks: Block[];
  metadata?: MessageMetadata;
}

export interface SlackApi {
  postMessage(args: PostArgs): Promise<{ channel: string; ts: string }>;
  update(args: UpdateArgs): Promise<void>;
  usergroupMembers(groupId: string): Promise<string[]>;
  /** Display name (or user name) of a user, for text that should not notify them. */
  userName(userId: string): Promise<string | undefined>;
}

export function createWebClient(token: string, slackApiUrl?: string): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
}

function translate(method: string, err: unknown): Error {
  if (typeof err === "object" && err !== null && "code" in err) {
    const e = err as {
      code: string;
      retryAfter?: number;
      data?: { error?: string; errors?: string[]; response_metadata?: { messages?: string[] } };
    };
    if (e.code === webApi.ErrorCode.RateLimitedError)
      return new SlackRateLimited(method, (e.retryAfter ?? 1) * 1000);
    if (e.code === webApi.ErrorCode.PlatformError) {
      const data = e.data ?? {};
      const detail = data.response_metadata?.messages ?? data.errors ?? [];
      return new SlackPlatformError(method, data.error ?? "unknown_error", detail);
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}

async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    const value = await fn();
    recordExternalCall("slack", "ok");
    return value;
  } catch (err) {
    const e = translate(method, err);
    recordExternalCall("slack", classifyCallError(e instanceof SlackRateLimited ? e : err));
    throw e;
  }
}

export function createSlackApi(client: webApi.WebClient): SlackApi {
  return {
    async postMessage(a) {
      const res = await call("chat.postMessage", () =>
        client.chat.postMessage({
          channel: a.channel,
          text: a.text,
          ...(a.blocks ? { blocks: a.blocks } : {}),
          ...(a.threadTs ? { thread_ts: a.threadTs } : {}),
          ...(a.metadata ? { metadata: a.metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!res.ts || !res.channel) throw new SlackPlatformError("chat.postMessage", "missing_ts", []);
      return { channel: res.channel, ts: res.ts };
    },
    async update(a) {
      await call("chat.update", () =>
        client.chat.update({
          channel: a.channel,
          ts: a.ts,
          text: a.text,
          blocks: a.blocks,
          ...(a.metadata ? { metadata: a.metadata } : {}),
        }),
      );
    },
    async usergroupMembers(groupId) {
      const res = await call("usergroups.users.list", () =>
        client.usergroups.users.list({ usergroup: groupId }),
      );
      return res.users ?? [];
    },
    async userName(userId) {
      const res = await call("users.info", () => client.users.info({ user: userId }));
      const u = res.user;
      return u?.profile?.display_name || u?.name || u?.real_name || undefined;
    },
  };
}
