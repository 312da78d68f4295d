import { validateBlocks } from "@hikkoshi/test-hosts/slack/blockKit";
import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeButtonValue } from "../../src/bot/actions/value.js";
import { LIMITS } from "../../src/bot/render/blocks.js";
import { progressText } from "../../src/bot/render/format.js";
import { renderMigrationMessage } from "../../src/bot/render/migration.js";
import { planMessage } from "../../src/bot/render/plan.js";
import { renderReport } from "../../src/bot/render/report.js";
import {
  MIGRATION_STATUSES,
  type Migration,
  type MigrationStatus,
  type Progress,
  type Step,
  type StepKind,
  type StepStatus,
} from "../../src/migration/types.js";
import { DEFAULT_KINDS, migrationAt, T0 } from "./fixtures.js";

const settings = { approvalExpiresMinutes: 45, fourEyes: true };
const text = (r: { blocks: unknown[]; text: string }) =>
  renderMessageText({ text: r.text, blocks: r.blocks });
type Btn = { action_id: string; value: string; style?: string; text: { text: string }; confirm?: unknown };
const buttons = (r: { blocks: unknown[] }): Btn[] =>
  r.blocks.flatMap((b) =>
    (b as { type: string }).type === "actions" ? (b as { elements: Btn[] }).elements : [],
  );

describe("renderMigrationMessage", () => {
  it("shows the title, checklist, gate with wait and expiry, buttons and the id/version footer", () => {
    const m = migrationAt(6, { state: "awaiting-approval", startedAt: T0 + 6 * 60_000, run: 1 });
    const now = T0 + 6 * 60_000 + 12 * 60_000;
    const r = renderMigrationMessage({ migration: m, progress: {}, settings }, now);
    const t = text(r);
    expect(t).toContain("Migration production: production-20251101 → production-20261125");
    expect(t).toContain("Started by @U0ALICE001 · target: newest cluster DNS does not point at");
    expect(t).toContain("✅ backup · 30s");
    expect(t).toContain("gate cutover is waiting for approval · waited 12m 00s");
    expect(t).toContain("an approval is valid for 45 min");
    expect(t).toContain("four-eyes: someone other than @U0ALICE001 must approve");
    expect(t).toContain("production-20261125-1 · v13");
    const [approve, rollback] = buttons(r);
    expect(approve).toMatchObject({
      action_id: "hikkoshi.approve",
      style: "primary",
      text: { text: "Approve cutover" },
    });
    expect(decodeButtonValue(approve!.value)).toEqual({
      migrationId: m.id,
      stepId: "gate-cutover-6",
      version: 13,
    });
    expect(rollback).toMatchObject({
      action_id: "hikkoshi.rollback",
      style: "danger",
      text: { text: "Roll back" },
    });
    expect(rollback!.confirm).toBeDefined();
    expect(r.text).toBe(
      "Migration production: production-20251101 → production-20261125 · waiting for approval (gate cutover)",
    );
  });

  it("offers an approval for the next weighted traffic step when the shift pauses for one", () => {
    const shift = DEFAULT_KINDS.indexOf("shift-traffic");
    const m = migrationAt(
      shift,
      { state: "awaiting-approval", startedAt: T0, run: 2 },
      { status: "awaiting-approval" },
    );
    const r = renderMigrationMessage({ migration: m, progress: {}, settings }, T0 + 60_000);
    const [approve] = buttons(r);
    expect(approve!.text.text).toBe("Approve next traffic step");
    expect(decodeButtonValue(approve!.value)).toMatchObject({ stepId: `shift-traffic-${shift}` });
    expect(text(r)).toContain("four-eyes: someone other than @U0ALICE001 must approve");
  });

  it("labels the decommission gate and shows live progress bars and traffic notes", () => {
    const dec = migrationAt(10, { state: "awaiting-approval", startedAt: T0, run: 1 });
    expect(buttons(renderMigrationMessage({ migration: dec, progress: {} }, T0))[0]!.text.text).toBe(
      "Approve decommission",
    );
    const m = migrationAt(3, { state: "running", startedAt: T0, run: 1 });
    const progress: Record<string, Progress> = {
      "restore-3": { done: 412, total: 800, unit: "items", at: T0 },
    };
    expect(text(renderMigrationMessage({ migration: m, progress }, T0 + 5000))).toContain(
      "restore · ▓▓▓▓░░░░ 412/800 items · 5s",
    );
    expect(progressText({ done: 37, total: 60, unit: "CronJobs", at: 0 })).toBe("▓▓▓▓▓░░░ 37/60 CronJobs");
    expect(progressText({ done: 0, total: 0, unit: "", note: "new 50% · old 50%", at: 0 })).toBe(
      "new 50% · old 50%",
    );
  });

  it("offers rollback only while it is possible", () => {
    const rb = (m: Migration) =>
      buttons(renderMigrationMessage({ migration: m, progress: {} }, T0)).some(
        (b) => b.action_id === "hikkoshi.rollback",
      );
    const running = migrationAt(2, { state: "running", startedAt: T0, run: 1 });
    const expected: Record<MigrationStatus, boolean> = {
      running: true,
      "awaiting-approval": true,
      halted: true,
      "rollback-failed": true,
      "rolling-back": false,
      completed: false,
      "rolled-back": false,
      blocked: false,
      aborted: false,
    };
    for (const [status, want] of Object.entries(expected))
      expect(rb({ ...running, status: status as MigrationStatus })).toBe(want);
    const failedRollback = renderMigrationMessage(
      { migration: { ...running, status: "rollback-failed" }, progress: {} },
      T0,
    );
    expect(buttons(failedRollback).map((b) => b.text.text)).toEqual(["Retry rollback"]);
    const decommissioned = migrationAt(12, { state: "pending" }, { status: "running" });
    expect(rb(decommissioned)).toBe(false);
  });

  it("condenses a long plan and keeps the failed step visible", () => {
    const steps: Step[] = Array.from({ length: 400 }, (_, i) => ({
      id: `s${i}`,
      kind: "public-health",
      title: `verify shard ${i} of the payments fleet`,
      effect: false,
      status:
        i < 250
          ? { state: "succeeded", startedAt: T0, finishedAt: T0 + 1000 }
          : i === 250
            ? { state: "failed", startedAt: T0, finishedAt: T0 + 1, error: "shard 250 returned 503" }
            : { state: "pending" },
    }));
    const m = migrationAt(
      0,
      { state: "pending" },
      { steps, cursor: 250, status: "halted", error: "shard 250 returned 503" },
    );
    const r = renderMigrationMessage({ migration: m, progress: {} }, T0);
    const t = text(r);
    expect(t).toContain("✅ 250 steps done");
    expect(t).toContain("❌ verify shard 250 of the payments fleet");
    expect(t).toContain("⚪ 149 steps to go");
    expect(JSON.stringify(r.blocks).length).toBeLessThan(LIMITS.blocksJson);
  });

  it("stays within Block Kit limits for any plan (property)", () => {
    const ts = fc.integer({ min: T0 - 86_400_000, max: T0 + 86_400_000 });
    const longText = fc.string({
      maxLength: 5000,
      unit: fc.constantFrom("a", "<", ">", "&", "*", "_", "`", " ", "\n", "é", "🚀", "x"),
    });
    const status: fc.Arbitrary<StepStatus> = fc.oneof(
      fc.constant({ state: "pending" as const }),
      fc.record({ state: fc.constant("running" as const), startedAt: ts, run: fc.nat(9) }),
      fc.record({
        state: fc.constant("waiting" as const),
        startedAt: ts,
        run: fc.nat(9),
        until: ts,
        reason: longText,
      }),
      fc.record({ state: fc.constant("awaiting-approval" as const), startedAt: ts, run: fc.nat(9) }),
      fc.record({
        state: fc.constant("succeeded" as const),
        startedAt: ts,
        finishedAt: ts,
        summary: longText,
      }),
      fc.record({ state: fc.constant("failed" as const), startedAt: ts, finishedAt: ts, error: longText }),
      fc.record({ state: fc.constant("interrupted" as const), startedAt: ts, finishedAt: ts }),
      fc.record({
        state: fc.constant("compensating" as const),
        startedAt: ts,
        finishedAt: ts,
        compensationStartedAt: ts,
        run: fc.nat(9),
      }),
      fc.record({
        state: fc.constant("compensated" as const),
        startedAt: ts,
        finishedAt: ts,
        compensatedAt: ts,
      }),
      fc.record({
        state: fc.constant("compensation-failed" as const),
        startedAt: ts,
        finishedAt: ts,
        error: longText,
      }),
      fc.record({ state: fc.constant("skipped" as const), reason: longText }),
    );
    const kind = fc.constantFrom<StepKind>(
      "preflight",
      "backup",
      "restore",
      "gate-cutover",
      "handoff",
      "shift-traffic",
      "gate-decommission",
      "decommission",
    );
    const stepArb = fc.record({
      kind,
      title: fc.string({ minLength: 1, maxLength: 300 }),
      effect: fc.boolean(),
      status,
    });
    const statusArb = fc.constantFrom<MigrationStatus>(...MIGRATION_STATUSES);
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 0, maxLength: 300 }),
        statusArb,
        fc.nat(400),
        fc.option(longText, { nil: undefined }),
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 100 }),
        (rawSteps, st, cursor, error, reason, progressFor) => {
          const steps: Step[] = rawSteps.map((s, i) => ({ ...s, id: `step-${i}-${s.kind}` }));
          const progress: Record<string, Progress> = {};
          steps.slice(0, progressFor).forEach((s, i) => {
            progress[s.id] = {
              done: i * 7,
              total: i * 5,
              unit: "items with a long unit name",
              note: i % 2 ? "new 50% · old 50%" : undefined,
              at: T0,
            } as Progress;
          });
          const m = migrationAt(0, { state: "pending" }, {
            steps,
            status: st,
            cursor: Math.min(cursor, Math.max(0, steps.length - 1)),
            targetReason: reason,
            ...(error !== undefined ? { error } : {}),
            findings: [{ code: "x", severity: "warning", message: "m" }],
            rollback:
              st === "rolling-back"
                ? { by: "U0ONCALL01", at: T0, reason: reason, cursor: 0, attempt: 1 }
                : undefined,
          } as Partial<Migration>);
          const r = renderMigrationMessage({ migration: m, progress, settings }, T0);
          expect(validateBlocks(r.blocks, LIMITS.blocksJson)).toEqual([]);
          expect(r.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
          expect(r.text.length).toBeLessThanOrEqual(300);
          for (const b of buttons(r)) expect(b.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is pure: same view and time, same output", () => {
    const m = migrationAt(3, { state: "running", startedAt: T0, run: 1 });
    const a = renderMigrationMessage({ migration: m, progress: {} }, T0 + 1000);
    const b = renderMigrationMessage({ migration: structuredClone(m), progress: {} }, T0 + 1000);
    expect(a).toEqual(b);
  });
});

describe("planMessage", () => {
  it("stays within limits with many findings and steps", () => {
    const r = planMessage({
      env: "production",
      source: "a",
      target: "b",
      targetReason: "r",
      steps: Array.from({ length: 200 }, (_, i) => ({
        id: `s${i}`,
        kind: "public-health" as const,
        title: `step ${"x".repeat(200)} ${i}`,
        effect: i % 2 === 0,
      })),
      findings: Array.from({ length: 300 }, (_, i) => ({
        code: `F${i}`,
        severity: (["blocking", "warning", "info"] as const)[i % 3]!,
        message: "m".repeat(1000),
        fix: "f".repeat(1000),
        subjects: Array.from({ length: 40 }, (_, j) => `ns/obj-${j}`),
      })),
      inventory: {
        counts: { Deployment: 3, CronJob: 5 },
        forbidden: Array.from({ length: 50 }, (_, i) => `batch/job-${i}`),
        tolerant: 7,
      },
    });
    expect(validateBlocks(r.blocks, 1_000_000)).toEqual([]);
    expect(text(r)).toContain("100 blocking findings");
  });
});

describe("end-of-migration summary", () => {
  it("stays within one section however much there is to say, and says how much was left out", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 60 }),
        fc.string({ maxLength: 5000 }),
        (gaps, warnings, error) => {
          const text = renderReport(
            {
              id: "production-20261125-1",
              env: "production",
              source: "production-20251101",
              target: "production-20261125",
              status: "rolled-back",
              startedBy: "U0ALICE001",
              createdAt: 0,
              finishedAt: 3_600_000,
              durationMs: 3_600_000,
              steps: [
                {
                  id: "handoff",
                  title: "Hand off duplication-forbidden jobs",
                  state: "compensated",
                  durationMs: 5000,
                },
              ],
              approvals: [{ step: "Approve cutover", by: "U0BOB00001", at: 1000 }],
              handoffGaps: Array.from({ length: gaps }, (_, i) => ({
                resource: `CronJob ns/job-${i}`,
                gapMs: 1000 + i,
              })),
              dnsChanges: [{ weight: 10, changeId: "C123", submittedAt: 0, insyncAt: 20_000 }],
              acceptedWarnings: Array.from({ length: warnings }, (_, i) => ({
                code: "w",
                severity: "warning" as const,
                message: `warning ${i} `.repeat(30),
              })),
              rollback: { by: "U0BOB00001", at: 2000, reason: error },
              error,
              nextSteps: "everything is back on production-20251101",
            },
            { U0BOB00001: "bob" },
          );
          expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
          expect(text).toContain("Summary of production-20261125-1");
          if (gaps > 8) expect(text).toMatch(/and \d+ more|…/);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("summary mentions", () => {
  it("names people instead of mentioning them, so the summary pages nobody", () => {
    const text = renderReport(
      {
        id: "production-20261125-1",
        env: "production",
        source: "a-20250101",
        target: "b-20260101",
        status: "rolled-back",
        startedBy: "U0ALICE001",
        createdAt: 0,
        steps: [],
        approvals: [],
        handoffGaps: [],
        dnsChanges: [{ changeId: "C1", submittedAt: 1000, insyncAt: 1250 }],
        acceptedWarnings: [],
        rollback: { by: "U0BOB00001", at: 2000, reason: "Rollback button pressed by <@U0BOB00001>" },
        nextSteps: "n",
      },
      { U0BOB00001: "bob", U0ALICE001: "alice" },
    );
    expect(text).toContain("Rollback button pressed by @bob");
    expect(text).not.toContain("<@");
    expect(text).toContain("INSYNC after 0.3 s");
  });
});
