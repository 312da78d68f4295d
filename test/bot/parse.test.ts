import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_COMMAND_TEXT, MAX_TOKEN_LENGTH } from "../../src/bot/http/limits.js";
import { closest, editDistance, parseMigrateCommand, plainCommandText } from "../../src/bot/parse.js";
import { botConfig } from "./fixtures.js";

const config = botConfig();
const parse = (text: string) => parseMigrateCommand(text, config);

describe("parseMigrateCommand", () => {
  it("parses every subcommand's happy path", () => {
    expect(parse("start production")).toEqual({ kind: "start", env: "production" });
    expect(parse("start production to production-20261125")).toEqual({
      kind: "start",
      env: "production",
      target: "production-20261125",
    });
    expect(parse("plan staging")).toEqual({ kind: "plan", env: "staging" });
    expect(parse("status")).toEqual({ kind: "status" });
    expect(parse("status production")).toEqual({ kind: "status", env: "production" });
    expect(parse("approve production")).toEqual({ kind: "approve", env: "production" });
    expect(parse("rollback production")).toEqual({ kind: "rollback", env: "production" });
    expect(parse("rollback production smoke is red")).toEqual({
      kind: "rollback",
      env: "production",
      reason: "smoke is red",
    });
    expect(parse("abort production")).toEqual({ kind: "abort", env: "production" });
    expect(parse("history production")).toEqual({ kind: "history", env: "production" });
    expect(parse("help")).toEqual({ kind: "help" });
    expect(parse("help rollback")).toEqual({ kind: "help", topic: "rollback" });
    expect(parse("")).toEqual({ kind: "help" });
  });

  it("is case-insensitive and tolerates phone whitespace", () => {
    expect(parse("  START\u00a0Production   TO  production-20261125 ")).toEqual({
      kind: "start",
      env: "production",
      target: "production-20261125",
    });
  });

  it("suggests the closest environment", () => {
    expect(parse("start prodution")).toEqual({
      kind: "error",
      message: 'unknown environment "prodution"; did you mean "production"?',
    });
    expect(parse("status stagin")).toMatchObject({
      message: 'unknown environment "stagin"; did you mean "staging"?',
    });
    expect(parse("approve qa")).toMatchObject({
      message: 'unknown environment "qa"; configured environments: "production", "staging"',
    });
  });

  it("suggests the closest subcommand", () => {
    expect(parse("strat production")).toMatchObject({
      kind: "error",
      message: expect.stringContaining('did you mean "start"?'),
    });
    expect(parse("rollbak production")).toMatchObject({
      message: expect.stringContaining('did you mean "rollback"?'),
    });
    expect(parse("deploy production")).toMatchObject({
      message: expect.stringContaining("commands: start, plan, status"),
    });
  });

  it("answers a missing argument with the usage line", () => {
    expect(parse("start")).toMatchObject({ kind: "error", usage: "/migrate start <env> [to <cluster>]" });
    expect(parse("approve")).toMatchObject({ usage: "/migrate approve <env>" });
    expect(parse("history")).toMatchObject({ usage: "/migrate history <env>" });
    expect(parse("start production to")).toMatchObject({
      message: expect.stringContaining('missing cluster after "to"'),
    });
  });

  it("names the valid clusters when the target is not configured for the environment", () => {
    const r = parse("start production to staging-20261120");
    expect(r).toEqual({
      kind: "error",
      message:
        'cluster "staging-20261120" is not configured for production; valid clusters: "production-20251101", "production-20261125"',
    });
    expect(parse("start production to production-20261126")).toMatchObject({
      message: expect.stringContaining('did you mean "production-20261125"?'),
    });
  });

  it("refuses trailing words", () => {
    expect(parse("approve production now")).toMatchObject({
      kind: "error",
      message: expect.stringContaining('unexpected "now"'),
    });
    expect(parse("start production from x")).toMatchObject({
      kind: "error",
      usage: "/migrate start <env> [to <cluster>]",
    });
  });
});

describe("closest", () => {
  it("uses edit distance with transpositions and unique prefixes", () => {
    expect(editDistance("prodution", "production")).toBe(1);
    expect(editDistance("rpoduction", "production")).toBe(1);
    expect(closest("prod", ["production", "staging"])).toBe("production");
    expect(closest("xyz", ["production", "staging"])).toBeUndefined();
  });
});

describe("bounded cost and Slack's markup", () => {
  it("refuses an oversized word at once, naming the limit, wherever it stands", () => {
    const long = "p".repeat(5_000);
    for (const text of [long, `start ${long}`, `start production to ${long}`, `status ${long}`]) {
      const r = parse(text.slice(0, MAX_COMMAND_TEXT));
      expect(r.kind).toBe("error");
      expect(r.kind === "error" && r.message).toMatch(
        new RegExp(`is \\d+ characters long; names are at most ${MAX_TOKEN_LENGTH}`),
      );
      // The echo of the word is cut short, not the whole paste.
      expect(r.kind === "error" && r.message.length).toBeLessThan(400);
    }
  });

  it("refuses a text over the limit before reading it, and says what to shorten", () => {
    const r = parse(`rollback production ${"x ".repeat(200_000)}`);
    expect(r).toEqual({
      kind: "error",
      message: expect.stringMatching(/characters long; at most 2000 are read\. Shorten the rollback reason/),
    });
  });

  it("a word just at the limit is still an ordinary unknown environment", () => {
    const r = parse(`status ${"q".repeat(MAX_TOKEN_LENGTH)}`);
    expect(r.kind === "error" && r.message).toMatch(/^unknown environment/);
  });

  it("any text: parsing ends in a command or an error, and an error echoes at most a short excerpt", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3_000, unit: "grapheme" }), (text) => {
        const r = parse(text);
        expect([
          "start",
          "plan",
          "status",
          "approve",
          "rollback",
          "abort",
          "history",
          "help",
          "error",
        ]).toContain(r.kind);
        if (r.kind === "error") expect(r.message.length).toBeLessThan(600);
      }),
      { seed: 10, numRuns: 500 },
    );
  });

  it("reads Slack's own markup as plain words and keeps literally typed markup as text", () => {
    // Picked from the autocomplete, Slack sends markup; typed by hand, it sends entities.
    expect(
      plainCommandText("<@U0BOB00001|bob> <#C0PROD0001|prod> <!subteam^S0PLATFORM|@platform> <!here>"),
    ).toBe("@bob #prod @platform @here");
    expect(plainCommandText("&lt;!subteam^S0PLATFORM&gt; &lt;!channel&gt; a &amp;&amp; b")).toBe(
      "<!subteam^S0PLATFORM> <!channel> a && b",
    );
    const r = parse("rollback production &lt;!subteam^S0PLATFORM&gt; wake up <!channel>");
    expect(r).toEqual({
      kind: "rollback",
      env: "production",
      reason: "<!subteam^S0PLATFORM> wake up @channel",
    });
  });
});
