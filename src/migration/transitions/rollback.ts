// Rollback: compensations of the steps that changed something, in reverse order, one durable job each.

import type { Migration, Step } from "../types.js";
import { accept, type Effect, next, reject, type TransitionResult, withStep } from "./result.js";

/** Does this step need its compensation run on rollback? */
function needsCompensation(s: Step): boolean {
  if (!s.effect) return false;
  switch (s.status.state) {
    case "succeeded":
    case "failed":
    case "interrupted":
    case "running":
    case "waiting":
    case "compensating":
    case "compensation-failed":
      return true;
    case "pending":
    case "awaiting-approval":
    case "compensated":
    case "skipped":
      return false;
  }
}

function lastToCompensate(steps: Step[], below: number): number {
  for (let i = Math.min(below, steps.length) - 1; i >= 0; i--) if (needsCompensation(steps[i]!)) return i;
  return -1;
}

/** Whether rollback is still possible, and if not, why (for the message and for refusals). */
export function rollbackAvailability(m: Migration): { possible: true } | { possible: false; why: string } {
  const decommission = m.steps.find((s) => s.kind === "decommission");
  if (decommission && decommission.status.state === "succeeded") {
    return {
      possible: false,
      why: `the source cluster ${m.source} has been decommissioned, so rollback is no longer offered; to bring it back, scale its workloads up from its own cluster code and point DNS at it`,
    };
  }
  switch (m.status) {
    case "running":
    case "awaiting-approval":
    case "halted":
    case "rollback-failed":
      return { possible: true };
    case "rolling-back":
      return {
        possible: false,
        why: `${m.id} is already rolling back (requested by ${m.rollback?.by ?? "?"})`,
      };
    case "rolled-back":
      return { possible: false, why: `${m.id} has already been rolled back` };
    case "completed":
      return { possible: false, why: `${m.id} has completed` };
    case "blocked":
      return {
        possible: false,
        why: `${m.id} was stopped by preflight before changing anything; nothing to roll back`,
      };
    case "aborted":
      return { possible: false, why: `${m.id} was aborted before changing anything; nothing to roll back` };
  }
}

export function requestRollback(
  m: Migration,
  input: { by: string; now: number; reason: string },
): TransitionResult {
  const avail = rollbackAvailability(m);
  if (!avail.possible) {
    const code = m.status === "rolling-back" || m.status === "rolled-back" ? "already" : "not-now";
    return reject(code, avail.why, m);
  }
  const attempt = (m.rollback?.attempt ?? 0) + 1;
  const steps: Step[] = m.steps.map((s) => {
    const st = s.status;
    switch (st.state) {
      case "pending":
        return { ...s, status: { state: "skipped", reason: "rolled back before it ran" } };
      case "waiting":
      case "awaiting-approval":
        // No job is executing these; a delayed job that fires later finds the migration rolling back.
        return { ...s, status: { state: "interrupted", startedAt: st.startedAt, finishedAt: input.now } };
      case "compensation-failed":
        return { ...s, status: { state: "interrupted", startedAt: st.startedAt, finishedAt: st.finishedAt } };
      default:
        return s;
    }
  });
  const cursor = lastToCompensate(steps, steps.length);
  const audit = [
    {
      actor: input.by,
      action: attempt > 1 ? "rollback-retry" : "rollback",
      outcome: "ok" as const,
      detail: input.reason,
    },
  ];
  if (cursor < 0) {
    return accept(
      next(m, input.now, {
        steps,
        status: "rolled-back",
        finishedAt: input.now,
        rollback: { by: input.by, at: input.now, reason: input.reason, cursor, attempt },
      }),
      [],
      [
        ...audit,
        { actor: "system", action: "rolled-back", outcome: "ok", detail: "nothing had changed yet" },
      ],
    );
  }
  return accept(
    next(m, input.now, {
      steps,
      status: "rolling-back",
      rollback: { by: input.by, at: input.now, reason: input.reason, cursor, attempt },
    }),
    [{ type: "compensate-step", stepIndex: cursor, run: attempt }],
    audit,
  );
}

/** The forward job noticed the rollback and stopped its step. */
export function interruptStep(m: Migration, index: number, run: number, now: number): TransitionResult {
  const st = m.steps[index]?.status;
  if (st?.state !== "running" || st.run !== run)
    return reject("stale", `step ${index} is not running run ${run}`, m);
  if (m.status !== "rolling-back" && m.status !== "aborted")
    return reject("not-now", `migration is ${m.status}`, m);
  return accept(
    next(m, now, {
      steps: withStep(m, index, { state: "interrupted", startedAt: st.startedAt, finishedAt: now }),
    }),
  );
}

export function beginCompensation(
  m: Migration,
  index: number,
  attempt: number,
  now: number,
): TransitionResult {
  if (m.status !== "rolling-back" || !m.rollback) return reject("not-now", `migration is ${m.status}`, m);
  if (m.rollback.attempt !== attempt || m.rollback.cursor !== index) {
    return reject("stale", `compensation ${index}/${attempt} is not current`, m);
  }
  const st = m.steps[index]!.status;
  switch (st.state) {
    case "compensating":
      return st.run === attempt
        ? accept(m)
        : reject("stale", "another compensation attempt owns this step", m);
    case "running":
      return reject("not-now", `"${m.steps[index]!.title}" is still running; waiting for it to stop`, m);
    case "succeeded":
    case "failed":
    case "interrupted":
      return accept(
        next(m, now, {
          steps: withStep(m, index, {
            state: "compensating",
            startedAt: st.startedAt,
            finishedAt: st.finishedAt,
            compensationStartedAt: now,
            run: attempt,
          }),
        }),
      );
    default:
      return reject("stale", `step is ${st.state}`, m);
  }
}

export function finishCompensation(
  m: Migration,
  index: number,
  attempt: number,
  now: number,
): TransitionResult {
  const st = m.steps[index]?.status;
  if (st?.state !== "compensating" || st.run !== attempt || m.status !== "rolling-back" || !m.rollback) {
    return reject("stale", `step ${index} is not compensating in attempt ${attempt}`, m);
  }
  const steps = withStep(m, index, {
    state: "compensated",
    startedAt: st.startedAt,
    finishedAt: st.finishedAt,
    compensatedAt: now,
  });
  const cursor = lastToCompensate(steps, index);
  const rollback = { ...m.rollback, cursor };
  if (cursor < 0) {
    return accept(
      next(m, now, { steps, rollback, status: "rolled-back", finishedAt: now }),
      [],
      [{ actor: "system", action: "rolled-back", outcome: "ok", detail: "every change was undone" }],
    );
  }
  const effects: Effect[] = [{ type: "compensate-step", stepIndex: cursor, run: attempt }];
  return accept(next(m, now, { steps, rollback }), effects);
}

export function failCompensation(
  m: Migration,
  index: number,
  attempt: number,
  error: string,
  now: number,
): TransitionResult {
  const step = m.steps[index];
  const st = step?.status;
  if (!step || !st || st.state !== "compensating" || st.run !== attempt) {
    return reject("stale", `step ${index} is not compensating in attempt ${attempt}`, m);
  }
  const steps = withStep(m, index, {
    state: "compensation-failed",
    startedAt: st.startedAt,
    finishedAt: st.finishedAt,
    error,
  });
  return accept(
    next(m, now, { steps, status: "rollback-failed", error: `undo "${step.title}": ${error}` }),
    [],
    [
      {
        actor: "system",
        action: "compensation-failed",
        outcome: "failed",
        detail: `undo "${step.title}" failed: ${error}. Fix the cause, then press Rollback again to retry.`,
      },
    ],
  );
}
