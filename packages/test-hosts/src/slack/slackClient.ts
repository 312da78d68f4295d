// Plays Slack's side of the HTTP contract: correctly signed slash commands (form-encoded, the real field
// names) and block_actions payloads (`payload=` JSON, the shape Slack sends) to a bot's request URL, with
// options to send a stale timestamp, a bad signature, or a redelivery (`X-Slack-Retry-Num`).

import { createHmac, randomBytes } from "node:crypto";
import type { SlackTestHost } from "./host.js";
import type { StoredMessage } from "./store.js";

export interface SendOptions {
  /** Seconds since the epoch to sign with (default: now). */
  timestamp?: number;
  /** Sign with a timestamp this many seconds in the past (e.g. 301 for a replay outside the window). */
  ageSeconds?: number;
  /** Send a signature that does not match. */
  badSignature?: boolean;
  /** Add `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`, as Slack does when it redelivers. */
  retryNum?: number;
  retryReason?: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SlackResponse {
  status: number;
  body: string;
  /** Parsed when the body is JSON (an ack with a message). */
  json?: unknown;
  /** Time to the response (the ack), in ms. */
  ms: number;
  request: SignedRequest;
}

export interface SlashCommandArgs {
  userId: string;
  text: string;
  channelId?: string;
  channelName?: string;
  userName?: string;
  command?: string;
  responseUrl?: string;
  triggerId?: string;
}

export interface ClickArgs {
  userId: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** The button's label as shown. */
  label?: string;
  channelId: string;
  messageTs: string;
  message?: { text: string; blocks: unknown[] };
  responseUrl?: string;
  triggerId?: string;
  userName?: string;
}

export interface SlackClientOptions {
  /** The bot's request URL, e.g. `http://127.0.0.1:3000/slack/events`. */
  requestUrl: string;
  signingSecret: string;
  /** When given, every request gets a response_url on this host (so `respond()` is recorded). */
  host?: SlackTestHost;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** `1234567890123.1234567890.0123456789abcdef0123456789abcdef`, the shape of Slack's trigger ids. */
export function triggerId(): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");
  return `${digits(13)}.${digits(10)}.${randomBytes(16).toString("hex")}`;
}

export function actionTs(now = Date.now()): string {
  return `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, "0")}${String(Math.floor(Math.random() * 1000)).padStart(3, "0")}`;
}

export interface ButtonInfo {
  action_id: string;
  block_id?: string;
  value?: string;
  text: string;
  style?: string;
}

/** Buttons of a message, in order, with the actions block they sit in. */
export function buttonsOf(blocks: readonly unknown[]): ButtonInfo[] {
  const out: ButtonInfo[] = [];
  for (const b of blocks) {
    const block = b as { type?: string; block_id?: string; elements?: unknown[] };
    if (block.type !== "actions" || !Array.isArray(block.elements)) continue;
    for (const e of block.elements) {
      const el = e as {
        type?: string;
        action_id?: string;
        value?: string;
        text?: { text?: string };
        style?: string;
      };
      if (el.type !== "button" || !el.action_id) continue;
      out.push({
        action_id: el.action_id,
        ...(block.block_id ? { block_id: block.block_id } : {}),
        ...(el.value !== undefined ? { value: el.value } : {}),
        text: el.text?.text ?? "",
        ...(el.style ? { style: el.style } : {}),
      });
    }
  }
  return out;
}

export class SlackTestClient {
  constructor(private readonly opts: SlackClientOptions) {}

  get requestUrl(): string {
    return this.opts.requestUrl;
  }

  private get teamId(): string {
    return this.opts.teamId ?? "T0HIKKOSHI";
  }

  sign(body: string, contentType: string, o: SendOptions = {}): SignedRequest {
    const ts = o.timestamp ?? Math.floor(Date.now() / 1000) - (o.ageSeconds ?? 0);
    let sig = signature(this.opts.signingSecret, ts, body);
    if (o.badSignature) sig = signature(`${this.opts.signingSecret}-wrong`, ts, body);
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sig,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    };
    if (o.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(o.retryNum);
      headers["x-slack-retry-reason"] = o.retryReason ?? "http_timeout";
    }
    return { body, headers };
  }

  /** Sends exactly these bytes and headers (a redelivery keeps the original signature). */
  async send(request: SignedRequest, extraHeaders: Record<string, string> = {}): Promise<SlackResponse> {
    const started = performance.now();
    const res = await fetch(this.opts.requestUrl, {
      method: "POST",
      headers: { ...request.headers, ...extraHeaders },
      body: request.body,
    });
    const body = await res.text();
    const ms = performance.now() - started;
    let json: unknown;
    if ((res.headers.get("content-type") ?? "").includes("application/json") && body.length > 0)
      json = JSON.parse(body);
    return { status: res.status, body, ...(json !== undefined ? { json } : {}), ms, request };
  }

  /** The fields of a slash command (form fields over HTTP, the envelope payload in Socket Mode). */
  slashCommandPayload(a: SlashCommandArgs): Record<string, string> {
    const channelId = a.channelId ?? "C0GENERAL1";
    const responseUrl =
      a.responseUrl ??
      this.opts.host?.responseUrl({ channel: channelId, user: a.userId }) ??
      "https://hooks.slack.com/commands/T0/1/x";
    return {
      token: "verification-token-unused",
      team_id: this.teamId,
      team_domain: this.opts.teamDomain ?? "hikkoshi-test",
      channel_id: channelId,
      channel_name: a.channelName ?? "general",
      user_id: a.userId,
      user_name: a.userName ?? a.userId.toLowerCase(),
      command: a.command ?? "/migrate",
      text: a.text,
      api_app_id: this.opts.appId ?? "A0HIKKOSHI",
      is_enterprise_install: "false",
      response_url: responseUrl,
      trigger_id: a.triggerId ?? triggerId(),
    };
  }

  slashCommandBody(a: SlashCommandArgs): string {
    return new URLSearchParams(this.slashCommandPayload(a)).toString();
  }

  slashCommand(a: SlashCommandArgs, o: SendOptions = {}): Promise<SlackResponse> {
    return this.send(this.sign(this.slashCommandBody(a), "application/x-www-form-urlencoded", o));
  }

  blockActionsBody(a: ClickArgs): string {
    return new URLSearchParams({ payload: JSON.stringify(this.blockActionsPayload(a)) }).toString();
  }

  /** The block_actions payload Slack sends for a button click. */
  blockActionsPayload(a: ClickArgs): Record<string, unknown> {
    const responseUrl =
      a.responseUrl ??
      this.opts.host?.responseUrl({ channel: a.channelId, user: a.userId, messageTs: a.messageTs }) ??
      "https://hooks.slack.com/actions/T0/1/x";
    const payload = {
      type: "block_actions",
      user: {
        id: a.userId,
        username: a.userName ?? a.userId.toLowerCase(),
        name: a.userName ?? a.userId.toLowerCase(),
        team_id: this.teamId,
      },
      api_app_id: this.opts.appId ?? "A0HIKKOSHI",
      token: "verification-token-unused",
      container: { type: "message", message_ts: a.messageTs, channel_id: a.channelId, is_ephemeral: false },
      trigger_id: a.triggerId ?? triggerId(),
      team: { id: this.teamId, domain: this.opts.teamDomain ?? "hikkoshi-test" },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: a.channelId, name: "migrations" },
      message: {
        type: "message",
        user: this.opts.botUserId ?? "U0HIKKOBOT",
        ts: a.messageTs,
        bot_id: "B0HIKKOBOT",
        app_id: this.opts.appId ?? "A0HIKKOSHI",
        text: a.message?.text ?? "",
        team: this.teamId,
        blocks: a.message?.blocks ?? [],
      },
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          action_id: a.actionId,
          block_id: a.blockId ?? "actions",
          text: { type: "plain_text", text: a.label ?? a.actionId, emoji: true },
          ...(a.value !== undefined ? { value: a.value } : {}),
          type: "button",
          action_ts: actionTs(),
        },
      ],
    };
    return payload;
  }

  click(a: ClickArgs, o: SendOptions = {}): Promise<SlackResponse> {
    return this.send(this.sign(this.blockActionsBody(a), "application/x-www-form-urlencoded", o));
  }

  /** Clicks `button` of `message` as `userId`, signed as Slack signs it; `userName` rides along when given. */
  clickOn(
    message: Pick<StoredMessage, "channel" | "ts" | "text" | "blocks">,
    button: ButtonInfo,
    userId: string,
    o: SendOptions & { userName?: string } = {},
  ): Promise<SlackResponse> {
    const { userName, ...send } = o;
    return this.click(
      {
        userId,
        ...(userName !== undefined ? { userName } : {}),
        actionId: button.action_id,
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.block_id ? { blockId: button.block_id } : {}),
        label: button.text,
        channelId: message.channel,
        messageTs: message.ts,
        message: { text: message.text, blocks: message.blocks },
      },
      send,
    );
  }

  /** Clicks the button whose label (or action_id) matches, in the message as it is stored now. */
  clickButton(
    message: StoredMessage,
    labelOrActionId: string | RegExp,
    userId: string,
    o: SendOptions = {},
  ): Promise<SlackResponse> {
    const match = (b: ButtonInfo) =>
      typeof labelOrActionId === "string"
        ? b.text === labelOrActionId || b.action_id === labelOrActionId
        : labelOrActionId.test(b.text);
    const button = buttonsOf(message.blocks).find(match);
    if (!button) throw new Error(`no button ${String(labelOrActionId)} in message ${message.ts}`);
    return this.clickOn(message, button, userId, o);
  }
}
