// Abort is for migrations that have not changed the world: an effect-bearing step that ran and found
// nothing to change (no GitOps controller to pause, the TTL already low) leaves it possible.

import { describe, expect, it } from "vitest";
import { beginStep, finishStep, type StepOutcome } from "../../src/migration/transitions/forward.js";
import { abortMigration } from "../../src/migration/transitions/gates.js";
import type { Migration } from "../../src/migration/types.js";
import { testConfig } from "../support/testConfig.js";
import { newMigration } from "./newMigration.js";

const now = Date.parse("2026-11-25T10:00:00Z");

/** A new production migration with its steps up to and including `through` run to the outcomes given. */
function ranThrough(through: string, outcomeOf: (stepId: string) => StepOutcome): Migration {
  const env = testConfig({ lowerTtl: true }).environments.production!;
  let migration = newMigration(env, now);
  for (let i = 0; ; i++) {
    const id = migration.steps[i]!.id;
    const begun = beginStep(migration, i, 1, { now, freezeWindows: [] });
    if (!begun.ok) throw new Error(begun.rejection.message);
    const done = finishStep(begun.migration, i, 1, outcomeOf(id), now);
    if (!done.ok) throw new Error(done.rejection.message);
    migration = done.migration;
    if (id === through) return migration;
  }
}

const unchanged: StepOutcome = { type: "done", summary: "nothing to change", unchanged: true };
const changed: StepOutcome = { type: "done", summary: "changed" };

describe("abort", () => {
  it("is accepted after effect-bearing steps that found nothing to change", () => {
    const m = ranThrough("pause-gitops", () => unchanged);
    expect(m.steps.map((s) => s.id).slice(0, 3)).toEqual(["preflight", "lower-ttl", "pause-gitops"]);
    const res = abortMigration(m, "U1", now);
    expect(res.ok && res.migration.status).toBe("aborted");
  });

  it("is refused, naming the step and rollback, once one of them changed something", () => {
    for (const stepId of ["lower-ttl", "pause-gitops"]) {
      const m = ranThrough("pause-gitops", (id) => (id === stepId ? changed : unchanged));
      const res = abortMigration(m, "U1", now);
      expect(res.ok ? "accepted" : res.rejection.code).toBe("not-now");
      const title = m.steps.find((s) => s.id === stepId)!.title;
      expect(res.ok ? "" : res.rejection.message).toContain(`"${title}" has already changed the world`);
      expect(res.ok ? "" : res.rejection.message).toContain("/migrate rollback production");
    }
  });

  it("is refused while an effect-bearing step runs, even one that may end up changing nothing", () => {
    const m = ranThrough("lower-ttl", () => unchanged);
    const index = m.steps.findIndex((s) => s.id === "pause-gitops");
    const running = beginStep(m, index, 1, { now, freezeWindows: [] });
    if (!running.ok) throw new Error(running.rejection.message);
    const res = abortMigration(running.migration, "U1", now);
    expect(res.ok ? "accepted" : res.rejection.code).toBe("not-now");
  });
});
