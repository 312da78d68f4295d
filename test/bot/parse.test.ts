import { describe, expect, it } from "vitest";
import { closest, editDistance, parseMigrateCommand } from "../../src/bot/parse.js";
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
