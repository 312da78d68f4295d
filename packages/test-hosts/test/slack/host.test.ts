import { verifySlackRequest, webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderConversation } from "../../src/slack/console.js";
import { type SlackTestHost, startSlackTestHost } from "../../src/slack/host.js";
import { SlackTestClient, signature } from "../../src/slack/slackClient.js";

const TOKEN = "xoxb-test-token";
let host: SlackTestHost;
let client: webApi.WebClient;

beforeAll(async () => {
  host = await startSlackTestHost({
    tokens: [TOKEN],
    channels: ["C0PROD0001"],
    usergroups: { S0PLATFORM: ["U0PLAT0001", "U0PLAT0002"] },
    users: { U0ALICE001: { name: "alice", realName: "Alice A" } },
    rateLimits: { "chat.update": { limit: 1, windowMs: 1000, per: "message" } },
  });
  client = new webApi.WebClient(TOKEN, {
    slackApiUrl: host.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
});
afterAll(async () => {
  await host.close();
});

const raw = (method: string, body: Record<string, string>, token?: string) =>
  fetch(`${host.apiUrl}${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(body).toString(),
  });

describe("Slack test host", () => {
  it("checks the bearer token like Slack", async () => {
    expect(await (await raw("auth.test", {})).json()).toEqual({ ok: false, error: "not_authed" });
    expect(await (await raw("auth.test", {}, "xoxb-wrong")).json()).toEqual({
      ok: false,
      error: "invalid_auth",
    });
    const ok = await client.auth.test();
    expect(ok).toMatchObject({
      ok: true,
      user_id: "U0HIKKOBOT",
      bot_id: "B0HIKKOBOT",
      team_id: "T0HIKKOSHI",
    });
    expect(JSON.stringify(host.calls)).not.toContain(TOKEN);
  });

  it("posts, updates and threads messages, and keeps their versions", async () => {
    const posted = await client.chat.postMessage({
      channel: "C0PROD0001",
      text: "hello",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*hi*" } }],
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: "C0PROD0001",
      message: { type: "message", bot_id: "B0HIKKOBOT" },
    });
    const ts = posted.ts!;
    await client.chat.update({
      channel: "C0PROD0001",
      ts,
      text: "hello 2",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*hi 2*" } }],
    });
    await client.chat.postMessage({
      channel: "C0PROD0001",
      thread_ts: ts,
      text: "a reply with <@U0ALICE001>",
    });
    const m = host.message("C0PROD0001", ts)!;
    expect(m.text).toBe("hello 2");
    expect(m.updates).toBe(1);
    expect(m.versions).toHaveLength(2);
    expect(host.replies("C0PROD0001", ts).map((r) => r.text)).toEqual(["a reply with <@U0ALICE001>"]);
    expect(renderConversation(host, "C0PROD0001", ts, { users: { U0ALICE001: "alice" } })).toBe(
      "hi 2\n── thread (1) ──\n│ a reply with @alice",
    );
  });

  it("returns Slack's errors", async () => {
    await expect(client.chat.postMessage({ channel: "C0NOWHERE1", text: "x" })).rejects.toMatchObject({
      data: { ok: false, error: "channel_not_found" },
    });
    await expect(
      client.chat.update({ channel: "C0PROD0001", ts: "1.000001", text: "x" }),
    ).rejects.toMatchObject({ data: { error: "message_not_found" } });
    const long = "x".repeat(3001);
    await expect(
      client.chat.postMessage({
        channel: "C0PROD0001",
        text: "x",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: long } }],
      }),
    ).rejects.toMatchObject({
      data: {
        ok: false,
        error: "invalid_blocks",
        errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
        response_metadata: {
          messages: ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
        },
      },
    });
    const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" }));
    await expect(
      client.chat.postMessage({ channel: "C0PROD0001", text: "x", blocks: tooMany }),
    ).rejects.toMatchObject({ data: { error: "invalid_blocks" } });
    const buttons = Array.from({ length: 26 }, (_, i) => ({
      type: "button",
      action_id: `a${i}`,
      text: { type: "plain_text", text: "b" },
      value: "v".repeat(2001),
    }));
    const bad = await raw(
      "chat.postMessage",
      { channel: "C0PROD0001", text: "x", blocks: JSON.stringify([{ type: "actions", elements: buttons }]) },
      TOKEN,
    );
    const body = (await bad.json()) as { errors: string[] };
    expect(body.errors).toContain("must be less than 26 items [json-pointer:/blocks/0/elements]");
    expect(body.errors).toContain(
      "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    );
    expect(
      await (await raw("chat.postMessage", { channel: "C0PROD0001", blocks: "[not json" }, TOKEN)).json(),
    ).toEqual({ ok: false, error: "invalid_blocks_format" });
    expect(await (await raw("chat.postMessage", { channel: "C0PROD0001" }, TOKEN)).json()).toEqual({
      ok: false,
      error: "no_text",
    });
    expect(await (await raw("no.such", {}, TOKEN)).json()).toEqual({
      ok: false,
      error: "unknown_method",
      req_method: "no.such",
    });
  });

  it("rate limits per message with HTTP 429 and Retry-After", async () => {
    const { ts } = await client.chat.postMessage({ channel: "C0PROD0001", text: "rl" });
    const first = await raw("chat.update", { channel: "C0PROD0001", ts: ts!, text: "1" }, TOKEN);
    expect(first.status).toBe(200);
    const second = await raw("chat.update", { channel: "C0PROD0001", ts: ts!, text: "2" }, TOKEN);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(await second.json()).toEqual({ ok: false, error: "ratelimited" });
    await expect(client.chat.update({ channel: "C0PROD0001", ts: ts!, text: "3" })).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 1,
    });
    host.failNext("chat.postMessage", "ratelimited", { retryAfterSeconds: 7 });
    const injected = await raw("chat.postMessage", { channel: "C0PROD0001", text: "x" }, TOKEN);
    expect([injected.status, injected.headers.get("retry-after")]).toEqual([429, "7"]);
  });

  it("answers user groups, users and ephemerals", async () => {
    expect(await client.usergroups.users.list({ usergroup: "S0PLATFORM" })).toMatchObject({
      ok: true,
      users: ["U0PLAT0001", "U0PLAT0002"],
    });
    await expect(client.usergroups.users.list({ usergroup: "S0NOPE0001" })).rejects.toMatchObject({
      data: { error: "no_such_subteam" },
    });
    expect(await client.users.info({ user: "U0ALICE001" })).toMatchObject({
      user: { id: "U0ALICE001", name: "alice", real_name: "Alice A" },
    });
    const e = await client.chat.postEphemeral({ channel: "C0PROD0001", user: "U0ALICE001", text: "psst" });
    expect(e.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(host.ephemerals.at(-1)).toMatchObject({
      via: "chat.postEphemeral",
      user: "U0ALICE001",
      text: "psst",
    });
  });

  it("records response_url answers and limits each url to five uses", async () => {
    const url = host.responseUrl({ channel: "C0PROD0001", user: "U0ALICE001" });
    for (let i = 0; i < 5; i++) {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", text: `r${i}` }),
      });
      expect(await r.text()).toBe("ok");
    }
    const sixth = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "r6" }),
    });
    expect([sixth.status, await sixth.text()]).toEqual([404, "used_url"]);
    expect(host.ephemerals.filter((e) => e.via === "response_url").map((e) => e.text)).toEqual([
      "r0",
      "r1",
      "r2",
      "r3",
      "r4",
    ]);
  });
});

describe("SlackTestClient", () => {
  it("signs requests the way Bolt verifies them", () => {
    const c = new SlackTestClient({ requestUrl: "http://127.0.0.1:1/slack/events", signingSecret: "s3cret" });
    const body = c.slashCommandBody({
      userId: "U0ALICE001",
      text: "status",
      responseUrl: "http://x/response/1",
    });
    const fields = new URLSearchParams(body);
    for (const f of [
      "token",
      "team_id",
      "team_domain",
      "channel_id",
      "channel_name",
      "user_id",
      "user_name",
      "command",
      "text",
      "api_app_id",
      "is_enterprise_install",
      "response_url",
      "trigger_id",
    ]) {
      expect(fields.has(f)).toBe(true);
    }
    const req = c.sign(body, "application/x-www-form-urlencoded");
    const ts = Number(req.headers["x-slack-request-timestamp"]);
    expect(req.headers["x-slack-signature"]).toBe(signature("s3cret", ts, body));
    expect(() =>
      verifySlackRequest({
        signingSecret: "s3cret",
        body,
        headers: { "x-slack-signature": req.headers["x-slack-signature"]!, "x-slack-request-timestamp": ts },
      }),
    ).not.toThrow();
    const old = c.sign(body, "application/x-www-form-urlencoded", { ageSeconds: 301 });
    expect(() =>
      verifySlackRequest({
        signingSecret: "s3cret",
        body,
        headers: {
          "x-slack-signature": old.headers["x-slack-signature"]!,
          "x-slack-request-timestamp": Number(old.headers["x-slack-request-timestamp"]),
        },
      }),
    ).toThrow(/stale|old/i);
    const payload = JSON.parse(
      new URLSearchParams(
        c.blockActionsBody({ userId: "U1", actionId: "a", value: "v", channelId: "C1", messageTs: "1.1" }),
      ).get("payload")!,
    );
    expect(payload).toMatchObject({
      type: "block_actions",
      user: { id: "U1" },
      container: { type: "message", message_ts: "1.1", channel_id: "C1" },
      actions: [{ action_id: "a", value: "v", type: "button" }],
    });
    expect(payload.trigger_id).toMatch(/^\d{13}\.\d{10}\.[0-9a-f]{32}$/);
  });
});
