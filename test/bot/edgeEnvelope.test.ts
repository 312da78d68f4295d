// What a verified request is, decided before Bolt sees it, and the one escaping function: pure rules,
// checked on examples Bolt 5 mishandles and on arbitrary input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTION_APPROVE, ACTION_ROLLBACK, decodeButtonValue } from "../../src/bot/actions/value.js";
import { classifyEnvelope } from "../../src/bot/http/envelope.js";
import { channelLink, escapeMrkdwn, mention } from "../../src/bot/render/format.js";

const FORM = "application/x-www-form-urlencoded";
const ours = { commands: ["/migrate"], actionIds: [ACTION_APPROVE, ACTION_ROLLBACK] };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (p: unknown) => form({ payload: JSON.stringify(p) });

const click = {
  type: "block_actions",
  user: { id: "U0PLAT0001", team_id: "T0HIKKOSHI" },
  channel: { id: "C0PROD0001" },
  team: { id: "T0HIKKOSHI" },
  enterprise: null,
  trigger_id: "1.2.3",
  response_url: "https://hooks.slack.com/actions/T0/1/x",
  actions: [{ type: "button", action_id: ACTION_APPROVE, action_ts: "1.1", value: "{}" }],
};
const command = {
  command: "/migrate",
  text: "status",
  user_id: "U0ALICE001",
  channel_id: "C0PROD0001",
  team_id: "T0HIKKOSHI",
  trigger_id: "1.2.3",
  response_url: "https://hooks.slack.com/commands/T0/1/x",
};

describe("classifyEnvelope", () => {
  it("hands our command and our buttons to Bolt", () => {
    expect(classifyEnvelope(FORM, form(command), ours)).toEqual({ kind: "bolt", what: "/migrate" });
    expect(classifyEnvelope(FORM, payload(click), ours)).toEqual({ kind: "bolt", what: "block_actions" });
  });

  it("refuses payloads Bolt would crash on or answer 500 to, with the reason", () => {
    const cases: Array<[string, RegExp]> = [
      [form({ payload: "null" }), /payload is null/],
      [form({ payload: "42" }), /payload is number/],
      [form({ payload: '"x"' }), /payload is string/],
      [form({ payload: "[1]" }), /payload is object/],
      [form({ payload: "{" }), /neither a form nor JSON/],
      [payload({ ...click, user: undefined }), /block_actions: user/],
      [payload({ ...click, user: { id: "<!channel>" } }), /user.id: not a Slack user id/],
      [payload({ ...click, actions: undefined }), /block_actions: actions/],
      [payload({ ...click, actions: [] }), /block_actions: actions/],
      [payload({ ...click, actions: [null] }), /block_actions: actions.0/],
      [payload({ ...click, channel: null }), /block_actions: channel/],
      [payload({ ...click, team: "T0" }), /block_actions: team/],
      [form({ ...command, user_id: "" }), /slash command: user_id/],
      [form({ ...command, channel_id: "general" }), /slash command: channel_id/],
      [`${form(command)}&user_id=U0BOB00001`, /slash command: user_id/],
      [payload({ type: "something_else" }), /neither a slash command nor an interaction/],
      [payload({ event: { type: "message" } }), /an event outside an event_callback/],
    ];
    for (const [body, reason] of cases) {
      const r = classifyEnvelope(FORM, body, ours);
      expect(r.kind, body).toBe("malformed");
      expect(r.kind === "malformed" && r.reason, body).toMatch(reason);
    }
  });

  it("acknowledges well-formed Slack requests nothing here listens for, and answers other commands", () => {
    const foreign = { ...click, actions: [{ ...click.actions[0], action_id: "other.app" }] };
    expect(classifyEnvelope(FORM, payload(foreign), ours).kind).toBe("ignored");
    expect(
      classifyEnvelope("application/json", JSON.stringify({ type: "event_callback", event: {} }), ours).kind,
    ).toBe("ignored");
    expect(classifyEnvelope(FORM, form({ ...command, command: "/deploy" }), ours)).toEqual({
      kind: "foreign-command",
      command: "/deploy",
    });
  });

  it("never throws, for any body and content type", () => {
    const body = fc.oneof(
      fc.string(),
      fc.json().map((j) => form({ payload: j })),
      fc.json(),
      fc.dictionary(fc.string(), fc.string()).map(form),
      fc.record({ ...Object.fromEntries(Object.keys(click).map((k) => [k, fc.anything()])) }).map(payload),
    );
    fc.assert(
      fc.property(fc.constantFrom(FORM, "application/json", undefined, "text/plain"), body, (ct, b) => {
        const r = classifyEnvelope(ct, b, ours);
        expect(["bolt", "ignored", "foreign-command", "malformed"]).toContain(r.kind);
      }),
      { seed: 10, numRuns: 2_000 },
    );
  });
});

describe("escapeMrkdwn, the one escaping function", () => {
  it("leaves no way to form a mention, link or date token, or to close a code span", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = escapeMrkdwn(s);
        expect(out).not.toMatch(/[<>`]/);
        // Every & starts one of the three escapes Slack decodes.
        expect(out.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
        expect(out.replace(/[\n\t]/g, "")).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
      }),
      { seed: 10, numRuns: 1_000 },
    );
    expect(escapeMrkdwn("<!subteam^S0PLATFORM> <!here> <@U0BOB00001> `x`")).toBe(
      "&lt;!subteam^S0PLATFORM&gt; &lt;!here&gt; &lt;@U0BOB00001&gt; \u02cbx\u02cb",
    );
  });

  it("mentions and links only well-formed ids", () => {
    expect(mention("U0BOB00001")).toBe("<@U0BOB00001>");
    expect(mention("U0BOB>|<!channel")).toBe("U0BOB&gt;|&lt;!channel");
    expect(channelLink("C0PROD0001")).toBe("<#C0PROD0001>");
    expect(channelLink("C0|<!here>")).toBe("C0|&lt;!here&gt;");
  });

  it("a button value carries ids of our shape or is not ours", () => {
    expect(decodeButtonValue('{"m":"production-20261125-1","v":3,"s":"gate-cutover"}')).toEqual({
      migrationId: "production-20261125-1",
      version: 3,
      stepId: "gate-cutover",
    });
    for (const forged of [
      '{"m":"<!channel>","v":1}',
      '{"m":"production-20261125-1`<!here>","v":1}',
      '{"m":"production-20261125-1","v":1,"s":"<@U0BOB00001>"}',
      '{"m":"production-20261125-1","v":1e300}',
    ]) {
      expect(decodeButtonValue(forged), forged).toBeUndefined();
    }
  });
});
