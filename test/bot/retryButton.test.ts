// The Retry button, from state alone: shown (primary, beside Rollback, with a short confirm dialog) while
// a step is halted, and nowhere else; `/migrate retry` parses and is in the help.

import { validateBlocks } from "@hikkoshi/test-hosts/slack/blockKit";
import { describe, expect, it } from "vitest";
import { ACTION_RETRY, ACTION_ROLLBACK, decodeButtonValue } from "../../src/bot/actions/value.js";
import { parseMigrateCommand } from "../../src/bot/parse.js";
import { LIMITS } from "../../src/bot/render/blocks.js";
import { renderMigrationMessage, retryConfirmText } from "../../src/bot/render/migration.js";
import { helpMessage } from "../../src/bot/render/replies.js";
import type { StepStatus } from "../../src/migration/types.js";
import { testConfig } from "../support/testConfig.js";
import { migrationAt, T0 } from "./fixtures.js";

type Btn = {
  action_id: string;
  value: string;
  style?: string;
  text: { text: string };
  confirm?: { title: { text: string }; text: { text: string }; style?: string };
};
const buttons = (r: { blocks: unknown[] }): Btn[] =>
  r.blocks.flatMap((b) =>
    (b as { type: string }).type === "actions" ? (b as { elements: Btn[] }).elements : [],
  );

const failed: StepStatus = {
  state: "failed",
  startedAt: T0 + 2 * 60_000,
  finishedAt: T0 + 3 * 60_000,
  error: "Backup hikkoshi-x ended FailedValidation",
  run: 1,
};

describe("the Retry button", () => {
  it("is offered while a step is halted, beside Rollback, carrying the step and the version", () => {
    const m = migrationAt(2, failed, {
      status: "halted",
      error: "backup: Backup hikkoshi-x ended FailedValidation",
    });
    const r = renderMigrationMessage({ migration: m, progress: {} }, T0 + 4 * 60_000);
    expect(validateBlocks(r.blocks, LIMITS.blocksJson)).toEqual([]);
    const [retry, rollback] = buttons(r);
    expect(retry).toMatchObject({ action_id: ACTION_RETRY, style: "primary" });
    expect(retry?.text.text).toBe(`Retry ${m.steps[2]!.title}`);
    expect(rollback?.action_id).toBe(ACTION_ROLLBACK);
    expect(decodeButtonValue(retry!.value)).toEqual({
      migrationId: m.id,
      version: m.version,
      stepId: m.steps[2]!.id,
    });
    expect(retry?.confirm?.text.text).toMatch(/again as a new attempt.*kept.*named in the thread/);
    expect(retry?.confirm?.title.text).toBe("Retry in production?");
  });

  it("keeps its confirm dialog under Slack's 300 characters for any step title", () => {
    expect(retryConfirmText("x".repeat(500)).length).toBeLessThanOrEqual(LIMITS.confirmText);
    const long = migrationAt(2, failed, { status: "halted" });
    long.steps[2] = { ...long.steps[2]!, title: "t".repeat(400) };
    const [retry] = buttons(renderMigrationMessage({ migration: long, progress: {} }, T0));
    expect(retry?.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    expect(retry?.confirm?.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
  });

  it("is not offered while running, rolling back, or after a rollback failed", () => {
    const running = migrationAt(2, { state: "running", startedAt: T0, run: 1 });
    const rolling = migrationAt(2, failed, {
      status: "rolling-back",
      rollback: { by: "U0BOB00001", at: T0, reason: "r", cursor: 1, attempt: 1 },
    });
    const rollbackFailed = migrationAt(2, failed, { status: "rollback-failed" });
    for (const m of [running, rolling, rollbackFailed]) {
      const ids = buttons(renderMigrationMessage({ migration: m, progress: {} }, T0)).map((b) => b.action_id);
      expect(ids, m.status).not.toContain(ACTION_RETRY);
    }
  });
});

describe("/migrate retry", () => {
  const config = testConfig();
  it("parses with an environment, and names the usage otherwise", () => {
    expect(parseMigrateCommand("retry production", config)).toEqual({ kind: "retry", env: "production" });
    expect(parseMigrateCommand("RETRY Production", config)).toEqual({ kind: "retry", env: "production" });
    expect(parseMigrateCommand("retry", config)).toMatchObject({
      kind: "error",
      usage: "/migrate retry <env>",
    });
    expect(parseMigrateCommand("retry production now", config)).toMatchObject({
      kind: "error",
      message: 'unexpected "now"; usage: /migrate retry <env>',
    });
    expect(parseMigrateCommand("retyr production", config)).toMatchObject({
      kind: "error",
      message: expect.stringContaining('did you mean "retry"?'),
    });
  });
  it("is in the help", () => {
    expect(JSON.stringify(helpMessage(["production"]).blocks)).toContain("/migrate retry <env>");
  });
});
