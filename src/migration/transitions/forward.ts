// Forward run: creating a migration, starting, pausing and finishing steps. Pure functions of data.

import type { FreezeWindow } from "../../config/schema.js";
import { activeFreeze, describeFreeze } from "../freeze.js";
import { type Finding, isGate, type Migration, type Step, type StepSpec, type StepStatus } from "../types.js";
import {
  type AuditDraft,
  accept,
  type Effect,
  next,
  reject,
  startedAtOf,
  type TransitionResult,
  withStep,
} from "./result.js";

export interface NewMigration {
  id: string;
  env: string;
  source: string;
  target: string;
  targetReason: string;
  startedBy: string;
  plan: StepSpec[];
  now: number;
}

export function createMigration(input: NewMigration): {
  migration: Migration;
  effects: Effect[];
  audit: AuditDraft[];
} {
  const migration: Migration = {
    id: input.id,
    env: input.env,
    source: input.source,
    target: input.target,
    targetReason: input.targetReason,
    startedBy: input.startedBy,
    createdAt: input.now,
    updatedAt: input.now,
    status: "running",
    steps: input.plan.map((s) => ({ ...s, status: { state: "pending" } })),
    cursor: 0,
    approvals: [],
    findings: [],
    version: 1,
  };
  return {
    migration,
    effects: [{ type: "run-step", stepIndex: 0, run: 1, delayMs: 0 }],
    audit: [
      {
        actor: input.startedBy,
        action: "start",
        outcome: "ok",
        detail: `${input.source} → ${input.target} (${input.targetReason})`,
      },
    ],
  };
}

/** Enter the step at the cursor for the forward job `run`. */
export function beginStep(
  m: Migration,
  index: number,
  run: number,
  ctx: { now: number; freezeWindows: readonly FreezeWindow[] },
): TransitionResult {
  if (m.status !== "running") return reject("not-now", `migration is ${m.status}`, m);
  if (m.cursor !== index) return reject("stale", `step ${index} is not current (cursor ${m.cursor})`, m);
  const step = m.steps[index]!;
  const st = step.status;
  if (st.state === "running" && st.run === run) return accept(m); // a redelivered job: already begun
  const entering = (st.state === "pending" && run === 1) || (st.state === "waiting" && run === st.run + 1);
  if (!entering) return reject("stale", `job run ${run} does not match step state ${st.state}`, m);

  // The step after a gate re-checks its approval when it runs, not only when it was approved.
  const prev = m.steps[index - 1];
  if (prev && isGate(prev.kind) && st.state === "pending") {
    const approval = [...m.approvals].reverse().find((a) => a.stepId === prev.id);
    if (approval && approval.expiresAt < ctx.now) {
      const steps = withStep(m, index - 1, { state: "awaiting-approval", startedAt: ctx.now, run: 1 });
      return accept(
        next(m, ctx.now, { steps, cursor: index - 1, status: "awaiting-approval" }),
        [],
        [
          {
            actor: "system",
            action: "approval-expired",
            outcome: "info",
            detail: `approval of "${prev.title}" by ${approval.by} expired before "${step.title}" could start; approve again`,
          },
        ],
      );
    }
  }

  const freeze = step.effect ? activeFreeze(ctx.freezeWindows, ctx.now) : undefined;
  if (freeze) {
    const nextRun = st.state === "waiting" ? st.run + 1 : 1;
    const reason = `"${step.title}" will not start ${describeFreeze(freeze)}`;
    const steps = withStep(m, index, {
      state: "waiting",
      startedAt: startedAtOf(st, ctx.now),
      run: nextRun,
      until: freeze.endsAt,
      reason,
    });
    return accept(
      next(m, ctx.now, { steps }),
      [
        {
          type: "run-step",
          stepIndex: index,
          run: nextRun + 1,
          delayMs: Math.max(0, freeze.endsAt - ctx.now),
        },
      ],
      [{ actor: "system", action: "freeze", outcome: "info", detail: reason }],
    );
  }

  const steps = withStep(m, index, { state: "running", startedAt: startedAtOf(st, ctx.now), run });
  return accept(next(m, ctx.now, { steps }));
}

export type StepOutcome =
  /** `unchanged`: the step found nothing to change in the world (so an abort is still possible). */
  | { type: "done"; summary?: string; findings?: Finding[]; unchanged?: true }
  | { type: "wait"; until: number; reason: string }
  /** Partway, and a human must approve before the step goes on (weighted shift with approveEachStep). */
  | { type: "approval"; reason: string }
  | { type: "blocked"; findings: Finding[] };

/** The step at `index` if it is running as `run` (the job's view); otherwise why the job is stale. */
function runningStep(
  m: Migration,
  index: number,
  run: number,
):
  | { ok: true; step: Step; status: Extract<StepStatus, { state: "running" }> }
  | { ok: false; result: TransitionResult } {
  const step = m.steps[index];
  if (!step) return { ok: false, result: reject("invalid", `no step ${index}`) };
  const st = step.status;
  if (st.state !== "running" || st.run !== run) {
    return {
      ok: false,
      result: reject("stale", `step "${step.title}" is ${st.state}, not running run ${run}`, m),
    };
  }
  return { ok: true, step, status: st };
}

/** Record a step's outcome. When a rollback was requested meanwhile, only the fact is recorded. */
export function finishStep(
  m: Migration,
  index: number,
  run: number,
  outcome: StepOutcome,
  now: number,
): TransitionResult {
  const running = runningStep(m, index, run);
  if (!running.ok) return running.result;
  const { step, status: st } = running;
  const findings = [
    ...m.findings,
    ...(outcome.type === "done" || outcome.type === "blocked" ? (outcome.findings ?? []) : []),
  ];

  if (m.status === "rolling-back") {
    // Finished while rollback was requested: record what happened so its compensation runs.
    const steps = withStep(m, index, { state: "succeeded", startedAt: st.startedAt, finishedAt: now });
    return accept(next(m, now, { steps, findings }));
  }
  if (m.status !== "running") return reject("not-now", `migration is ${m.status}`, m);

  switch (outcome.type) {
    case "blocked": {
      const steps = withStep(m, index, {
        state: "failed",
        startedAt: st.startedAt,
        finishedAt: now,
        error: `${outcome.findings.filter((f) => f.severity === "blocking").length} blocking finding(s)`,
      });
      return accept(
        next(m, now, { steps, findings, status: "blocked", finishedAt: now }),
        [],
        [
          {
            actor: "system",
            action: "preflight",
            outcome: "failed",
            detail: "blocking findings; nothing was changed",
          },
        ],
      );
    }
    case "wait": {
      const steps = withStep(m, index, {
        state: "waiting",
        startedAt: st.startedAt,
        run,
        until: outcome.until,
        reason: outcome.reason,
      });
      return accept(next(m, now, { steps }), [
        { type: "run-step", stepIndex: index, run: run + 1, delayMs: Math.max(0, outcome.until - now) },
      ]);
    }
    case "approval": {
      const steps = withStep(m, index, { state: "awaiting-approval", startedAt: st.startedAt, run });
      return accept(
        next(m, now, { steps, status: "awaiting-approval" }),
        [],
        [
          {
            actor: "system",
            action: step.id,
            outcome: "info",
            detail: `waiting for approval: ${outcome.reason}`,
          },
        ],
      );
    }
    case "done":
      return advance(m, index, outcome, findings, now);
  }
}

function advance(
  m: Migration,
  index: number,
  done: { summary?: string; unchanged?: true },
  findings: Finding[],
  now: number,
): TransitionResult {
  const st = m.steps[index]!.status;
  let steps = withStep(m, index, {
    state: "succeeded",
    startedAt: startedAtOf(st, now),
    finishedAt: now,
    ...(done.summary ? { summary: done.summary } : {}),
    ...(done.unchanged ? { unchanged: true as const } : {}),
  });
  const following = m.steps[index + 1];
  if (!following) {
    return accept(
      next(m, now, { steps, findings, cursor: index + 1, status: "completed", finishedAt: now }),
      [],
      [{ actor: "system", action: "complete", outcome: "ok", detail: "migration completed" }],
    );
  }
  if (isGate(following.kind)) {
    steps = steps.map((s, i) =>
      i === index + 1 ? { ...s, status: { state: "awaiting-approval", startedAt: now, run: 1 } } : s,
    );
    return accept(next(m, now, { steps, findings, cursor: index + 1, status: "awaiting-approval" }));
  }
  return accept(next(m, now, { steps, findings, cursor: index + 1 }), [
    { type: "run-step", stepIndex: index + 1, run: 1, delayMs: 0 },
  ]);
}

/** A step failed for good (retries exhausted, or a permanent error): halt, and let a human decide. */
export function failStep(
  m: Migration,
  index: number,
  run: number,
  error: string,
  now: number,
): TransitionResult {
  const running = runningStep(m, index, run);
  if (!running.ok) return running.result;
  const { step, status: st } = running;
  const steps = withStep(m, index, { state: "failed", startedAt: st.startedAt, finishedAt: now, error, run });
  if (m.status === "rolling-back") return accept(next(m, now, { steps }));
  return accept(
    next(m, now, { steps, status: "halted", error: `${step.title}: ${error}` }),
    [],
    [{ actor: "system", action: "step-failed", outcome: "failed", detail: `${step.title}: ${error}` }],
  );
}
