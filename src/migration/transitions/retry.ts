// Retry: a person re-runs the step that halted the migration (a permanent error, or retries exhausted).
// The step runs again as its next run, so its job id (`<migration>.forward.<step>.<run>`) is new and the
// failed run's job, kept by BullMQ for a while, cannot swallow it. Steps check the world before acting,
// so the new run converges on whatever the failed run left (a Velero step creates its next attempt and
// keeps the failed object). Rollback stays the other way out; after rollback began, Retry is gone.

import type { FreezeWindow } from "../../config/schema.js";
import { activeFreeze, describeFreeze } from "../freeze.js";
import type { Migration, Step, StepStatus } from "../types.js";
import { accept, describeStatus, next, reject, type TransitionResult, withStep } from "./result.js";

export interface RetryInput {
  by: string;
  now: number;
  /** From a button: the version the person saw. Slash commands omit it and act on the current halt. */
  version?: number;
  /** From a button: the step it offered to retry. */
  stepId?: string;
  freezeWindows: readonly FreezeWindow[];
}

type FailedStatus = Extract<StepStatus, { state: "failed" }>;

/** The step a Retry would re-run: the failed step at the cursor of a halted migration. */
export function retryableStep(m: Migration): { index: number; step: Step; status: FailedStatus } | undefined {
  if (m.status !== "halted") return undefined;
  const step = m.steps[m.cursor];
  if (step?.status.state !== "failed") return undefined;
  return { index: m.cursor, step, status: step.status };
}

/** Why there is nothing to retry, in a person's words (the migration is not halted at a step). */
function notHalted(m: Migration): TransitionResult {
  switch (m.status) {
    case "running":
    case "awaiting-approval":
      return reject(
        "already",
        `${m.id} is not halted, so there is nothing to retry (someone may have pressed Retry already); it is ${describeStatus(m)}`,
        m,
      );
    case "rolling-back":
      return reject(
        "not-now",
        `${m.id} is rolling back, so its steps can no longer be retried; let the rollback finish, then start a new migration`,
        m,
      );
    case "rollback-failed":
      return reject(
        "not-now",
        `${m.id} is past Retry: its rollback failed (${m.error ?? "a compensation failed"}). Fix the cause, then press Rollback again (or \`/migrate rollback ${m.env}\`) to retry the rollback`,
        m,
      );
    case "halted":
      return reject("not-now", `${m.id} is halted but no step at its cursor failed; nothing to retry`, m);
    case "completed":
    case "rolled-back":
    case "blocked":
    case "aborted":
      return reject("not-now", `${m.id} has ended (${describeStatus(m)}); nothing to retry`, m);
  }
}

/**
 * The run the retry gives the step: one after the run that failed. Records from before failed steps
 * kept their run have none; then the version is used, which no run of any step can have reached (every
 * run is begun by a commit of its own, and a commit bumps the version).
 */
function retryRun(m: Migration, st: FailedStatus): number {
  return (st.run ?? m.version) + 1;
}

export function retryHaltedStep(m: Migration, input: RetryInput): TransitionResult {
  const target = retryableStep(m);
  if (!target) return notHalted(m);
  const { index, step, status: st } = target;
  if (input.stepId !== undefined && input.stepId !== step.id) {
    return reject(
      "invalid",
      `this Retry button is for step "${input.stepId}", but ${m.id} halted at "${step.title}"; use the Retry button on the current message`,
      m,
    );
  }
  if (input.version !== undefined && input.version !== m.version) {
    return reject(
      "stale",
      `this Retry button is from an older view (version ${input.version}, now ${m.version}); the migration is ${describeStatus(m)}. Use the Retry button on the current message`,
      m,
    );
  }
  const freeze = step.effect ? activeFreeze(input.freezeWindows, input.now) : undefined;
  if (freeze) {
    return reject(
      "frozen",
      `"${step.title}" cannot be retried now: ${describeFreeze(freeze)}. Retry after that.`,
      m,
    );
  }
  const run = retryRun(m, st);
  // Waiting at the failed run, due now: the forward runner's usual "next run of a waiting step" path
  // (beginStep), and the reconciler re-enqueues the same job if this process dies before it does.
  const steps = withStep(m, index, {
    state: "waiting",
    startedAt: input.now,
    run: run - 1,
    until: input.now,
    reason: `retry requested by ${input.by}`,
  });
  const { error: _cleared, ...rest } = m;
  return accept(
    next(rest, input.now, { steps, status: "running" }),
    [{ type: "run-step", stepIndex: index, run, delayMs: 0 }],
    [
      {
        actor: input.by,
        action: "retry",
        outcome: "ok",
        detail: `retried "${step.title}" (run ${run}) after: ${st.error}`,
      },
    ],
  );
}
