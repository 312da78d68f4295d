// Retry of a halted step, as pure transitions: only while halted at a failed step, compare-and-set on the
// version (two presses give one retry, an older button is refused), audited, a new run (new job id).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pendingEffect } from "../../src/jobs/reconciler.js";
import { buildPlan } from "../../src/migration/plan.js";
import { beginStep, createMigration, failStep, finishStep } from "../../src/migration/transitions/forward.js";
import type { TransitionResult } from "../../src/migration/transitions/result.js";
import { retryableStep, retryHaltedStep } from "../../src/migration/transitions/retry.js";
import { failCompensation, requestRollback } from "../../src/migration/transitions/rollback.js";
import type { Migration } from "../../src/migration/types.js";
import { testConfig } from "../support/testConfig.js";

const env = testConfig().environments.production!;
const now = Date.parse("2026-11-25T10:00:00Z");
const ALICE = "U0ALICE001";

function ok(r: TransitionResult): Migration {
  if (!r.ok) throw new Error(r.rejection.message);
  return r.migration;
}

/** A migration driven through real transitions until `kind` failed for good on its first run. */
function haltedAt(kind: string): Migration {
  let m = createMigration({
    id: "production-20261125-1",
    env: "production",
    source: "a",
    target: "b",
    targetReason: "",
    startedBy: ALICE,
    plan: buildPlan(env),
    now,
  }).migration;
  while (m.steps[m.cursor]!.kind !== kind) {
    m = ok(beginStep(m, m.cursor, 1, { now, freezeWindows: [] }));
    m = ok(finishStep(m, m.cursor, 1, { type: "done" }, now));
    if (m.status !== "running") throw new Error(`stopped at ${m.steps[m.cursor]!.id}: ${m.status}`);
  }
  m = ok(beginStep(m, m.cursor, 1, { now, freezeWindows: [] }));
  return ok(failStep(m, m.cursor, 1, "Backup hikkoshi-x ended FailedValidation", now));
}

const base = { by: ALICE, now: now + 60_000, freezeWindows: [] };

describe("retry of a halted step", () => {
  it("re-runs the failed step as its next run, audited with the actor, and clears the halt", () => {
    const halted = haltedAt("backup");
    const backup = halted.cursor;
    expect(retryableStep(halted)?.step.kind).toBe("backup");
    const res = retryHaltedStep(halted, { ...base, version: halted.version, stepId: "backup" });
    if (!res.ok) throw new Error(res.rejection.message);
    expect(res.migration.status).toBe("running");
    expect(res.migration.error).toBeUndefined();
    expect(res.migration.version).toBe(halted.version + 1);
    expect(res.effects).toEqual([{ type: "run-step", stepIndex: backup, run: 2, delayMs: 0 }]);
    expect(res.audit).toEqual([
      {
        actor: ALICE,
        action: "retry",
        outcome: "ok",
        detail: 'retried "Back up source (Velero)" (run 2) after: Backup hikkoshi-x ended FailedValidation',
      },
    ]);
    // The job the effect names begins the step (the forward runner's path), and a second failure and
    // retry moves on to run 3.
    const begun = ok(beginStep(res.migration, backup, 2, { now: base.now, freezeWindows: [] }));
    expect(begun.steps[backup]!.status).toMatchObject({ state: "running", run: 2 });
    const again = ok(failStep(begun, backup, 2, "still down", base.now));
    const second = retryHaltedStep(again, { ...base, version: again.version });
    expect(second.ok && second.effects).toEqual([
      { type: "run-step", stepIndex: backup, run: 3, delayMs: 0 },
    ]);
  });

  it("a retry whose job was never enqueued (a crash after the commit) is enqueued by the reconciler", () => {
    const halted = haltedAt("backup");
    expect(pendingEffect(halted, base.now)).toBeUndefined();
    const res = retryHaltedStep(halted, base);
    if (!res.ok) throw new Error(res.rejection.message);
    expect(pendingEffect(res.migration, base.now)).toEqual(res.effects[0]);
  });

  it("two presses on the same message give one retry; the second is told it already happened", () => {
    const halted = haltedAt("backup");
    const press = { ...base, version: halted.version, stepId: "backup" };
    // The store applies transitions one at a time by compare-and-set: the second press sees the first's result.
    const first = retryHaltedStep(halted, press);
    const after = ok(first);
    const second = retryHaltedStep(after, press);
    expect(second.ok).toBe(false);
    expect(second.ok ? "" : second.rejection.code).toBe("already");
    expect(second.ok ? "" : second.rejection.message).toMatch(/is not halted, so there is nothing to retry/);
  });

  it("refuses a button from an older version with a specific message", () => {
    const halted = haltedAt("backup");
    const res = retryHaltedStep(halted, { ...base, version: halted.version - 1, stepId: "backup" });
    expect(res.ok ? "" : res.rejection.code).toBe("stale");
    expect(res.ok ? "" : res.rejection.message).toBe(
      `this Retry button is from an older view (version ${halted.version - 1}, now ${halted.version}); the migration is halted: Back up source (Velero): Backup hikkoshi-x ended FailedValidation. Use the Retry button on the current message`,
    );
  });

  it("is not allowed while running, rolling back, or after a rollback failed", () => {
    const halted = haltedAt("backup");
    const running = ok(retryHaltedStep(halted, base));
    expect(retryHaltedStep(running, base)).toMatchObject({ ok: false, rejection: { code: "already" } });

    const rolling = ok(requestRollback(halted, { by: ALICE, now, reason: "r" }));
    const r1 = retryHaltedStep(rolling, base);
    expect(r1.ok ? "" : r1.rejection.message).toMatch(
      /is rolling back, so its steps can no longer be retried/,
    );

    // A compensation fails: "press Rollback again" applies, not Retry.
    const cursor = rolling.rollback!.cursor;
    const compensating = {
      ...rolling,
      steps: rolling.steps.map((s, i) =>
        i === cursor
          ? {
              ...s,
              status: {
                state: "compensating" as const,
                startedAt: now,
                finishedAt: now,
                compensationStartedAt: now,
                run: 1,
              },
            }
          : s,
      ),
    };
    const failed = ok(failCompensation(compensating, cursor, 1, "boom", now));
    expect(failed.status).toBe("rollback-failed");
    const r2 = retryHaltedStep(failed, base);
    expect(r2.ok ? "" : r2.rejection.code).toBe("not-now");
    expect(r2.ok ? "" : r2.rejection.message).toMatch(/press Rollback again/);
  });

  it("refuses inside a freeze window for an effect-bearing step, naming when it ends", () => {
    const freezeWindows = [
      { days: ["wed" as const], from: "09:00", to: "12:00", timeZone: "UTC", reason: "release train" },
    ];
    // A step that changes nothing (the backup) may be retried inside the window.
    expect(retryHaltedStep(haltedAt("backup"), { ...base, freezeWindows }).ok).toBe(true);
    const plan = buildPlan(env);
    const gate = plan.findIndex((s) => s.kind === "gate-cutover");
    const effectful = plan.slice(0, gate).find((s) => s.effect);
    if (!effectful) throw new Error("the test plan has no effect-bearing step before the cutover gate");
    const halted = haltedAt(effectful.kind);
    const res = retryHaltedStep(halted, { ...base, freezeWindows });
    expect(res.ok ? "" : res.rejection.code).toBe("frozen");
    expect(res.ok ? "" : res.rejection.message).toMatch(
      /cannot be retried now: .*release train.*Retry after that/,
    );
  });

  it("a record from before failed steps kept their run retries under a run no job can have had", () => {
    const halted = haltedAt("backup");
    const st = halted.steps[halted.cursor]!.status;
    if (st.state !== "failed") throw new Error("not failed");
    const { run: _run, ...legacy } = st;
    const old = {
      ...halted,
      steps: halted.steps.map((s, i) => (i === halted.cursor ? { ...s, status: legacy } : s)),
    };
    const res = retryHaltedStep(old, base);
    expect(res.ok && res.effects[0]).toMatchObject({ run: halted.version + 1 });
  });

  it("a forged button (any other version or step) is refused specifically and changes nothing", () => {
    const halted = haltedAt("backup");
    const stepIds = halted.steps.map((s) => s.id).filter((id) => id !== "backup");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 1_000_000 }).filter((v) => v !== halted.version),
          fc.constant(halted.version),
        ),
        fc.option(fc.oneof(fc.constantFrom(...stepIds), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)), {
          nil: undefined,
        }),
        (version, stepId) => {
          fc.pre(version !== halted.version || (stepId !== undefined && stepId !== "backup"));
          const res = retryHaltedStep(halted, {
            ...base,
            version,
            ...(stepId !== undefined ? { stepId } : {}),
          });
          if (res.ok) return false;
          const wrongStep = stepId !== undefined && stepId !== "backup";
          return wrongStep
            ? res.rejection.code === "invalid" && res.rejection.message.includes(`for step "${stepId}"`)
            : res.rejection.code === "stale" && res.rejection.message.includes(`version ${version}, now`);
        },
      ),
    );
  });
});
