// Human decisions: approving a gate, aborting before anything changed.

import type { FreezeWindow } from "../../config/schema.js";
import { activeFreeze, describeFreeze } from "../freeze.js";
import { isGate, isTerminal, type Migration, type Step } from "../types.js";
import { fourEyesRefusal } from "./fourEyes.js";
import { accept, describeStatus, next, reject, type TransitionResult, withStep } from "./result.js";

export interface ApproveInput {
  by: string;
  now: number;
  stepId?: string;
  /** From a button: the version the person saw. */
  version?: number;
  fourEyes: boolean;
  expiresMinutes: number;
  freezeWindows: readonly FreezeWindow[];
}

/** A click carries the version the person saw; any other version means they saw an older state. */
function staleButton(m: Migration, version: number | undefined): TransitionResult | undefined {
  if (version === undefined || version === m.version) return undefined;
  return reject(
    "stale",
    `this button is from an older view (version ${version}, now ${m.version}); the migration is ${describeStatus(m)}`,
    m,
  );
}

export function approveGate(m: Migration, input: ApproveInput): TransitionResult {
  const gateIndex = input.stepId ? m.steps.findIndex((s) => s.id === input.stepId) : m.cursor;
  const gate = m.steps[gateIndex];
  if (gate && !isGate(gate.kind) && gate.status.state === "awaiting-approval")
    return approveWithinStep(m, gateIndex, input);
  if (!gate || !isGate(gate.kind)) {
    return reject(
      "invalid",
      input.stepId
        ? `"${input.stepId}" is not a gate of ${m.id}`
        : `${m.id} is not at a gate; it is ${describeStatus(m)}`,
      m,
    );
  }
  if (gate.status.state === "succeeded") {
    const approval = [...m.approvals].reverse().find((a) => a.stepId === gate.id);
    const who = approval ? ` by ${approval.by} at ${new Date(approval.at).toISOString()}` : "";
    return reject(
      "already",
      `"${gate.title}" was already approved${who}; the migration is ${describeStatus(m)}`,
      m,
    );
  }
  if (
    m.status !== "awaiting-approval" ||
    m.cursor !== gateIndex ||
    gate.status.state !== "awaiting-approval"
  ) {
    return reject(
      "not-now",
      `"${gate.title}" cannot be approved now: the migration is ${describeStatus(m)}`,
      m,
    );
  }
  const stale = staleButton(m, input.version);
  if (stale) return stale;
  const fourEyes = fourEyesRefusal(m, gate.kind, input.by, input.fourEyes);
  if (fourEyes) return reject("forbidden", fourEyes, m);
  const following = m.steps[gateIndex + 1];
  const freeze = following?.effect ? activeFreeze(input.freezeWindows, input.now) : undefined;
  if (freeze) {
    return reject(
      "frozen",
      `"${following!.title}" cannot start now: ${describeFreeze(freeze)}. Approve again after that.`,
      m,
    );
  }

  const expiresAt = input.now + input.expiresMinutes * 60_000;
  const gs = gate.status;
  const steps = withStep(m, gateIndex, {
    state: "succeeded",
    startedAt: gs.startedAt,
    finishedAt: input.now,
  });
  const approvals = [...m.approvals, { stepId: gate.id, by: input.by, at: input.now, expiresAt }];
  const effects = following
    ? [{ type: "run-step" as const, stepIndex: gateIndex + 1, run: 1, delayMs: 0 }]
    : [];
  const status = following ? "running" : "completed";
  return accept(
    next(m, input.now, {
      steps,
      approvals,
      cursor: gateIndex + 1,
      status,
      ...(following ? {} : { finishedAt: input.now }),
    }),
    effects,
    [{ actor: input.by, action: "approve", outcome: "ok", detail: `approved "${gate.title}"` }],
  );
}

/** Whether an effect-bearing step has (or may have) changed the world: begun, and not done with nothing to change. */
function hasTouchedWorld(s: Step): boolean {
  if (!s.effect) return false;
  switch (s.status.state) {
    case "pending":
    case "skipped":
      return false;
    case "succeeded":
      return s.status.unchanged !== true;
    default:
      return true;
  }
}

/** Abort is only for migrations that have not changed anything yet. */
export function abortMigration(m: Migration, by: string, now: number): TransitionResult {
  if (isTerminal(m.status)) return reject("already", `${m.id} has already ended (${m.status})`, m);
  const touched = m.steps.find(hasTouchedWorld);
  if (touched) {
    return reject(
      "not-now",
      `"${touched.title}" has already changed the world, so ${m.id} cannot be aborted; use \`/migrate rollback ${m.env}\` to undo it`,
      m,
    );
  }
  const steps = m.steps.map((s) => {
    const st = s.status;
    if (st.state === "pending") return { ...s, status: { state: "skipped" as const, reason: "aborted" } };
    if (st.state === "running" || st.state === "waiting" || st.state === "awaiting-approval") {
      return { ...s, status: { state: "interrupted" as const, startedAt: st.startedAt, finishedAt: now } };
    }
    return s;
  });
  return accept(
    next(m, now, { steps, status: "aborted", finishedAt: now }),
    [],
    [{ actor: by, action: "abort", outcome: "ok", detail: "aborted before any change" }],
  );
}

/** A step paused partway for a human (a weighted traffic increment): approval lets it go on. */
function approveWithinStep(m: Migration, index: number, input: ApproveInput): TransitionResult {
  const step = m.steps[index]!;
  const st = step.status;
  if (st.state !== "awaiting-approval" || m.status !== "awaiting-approval" || m.cursor !== index) {
    return reject(
      "not-now",
      `"${step.title}" cannot be approved now: the migration is ${describeStatus(m)}`,
      m,
    );
  }
  const stale = staleButton(m, input.version);
  if (stale) return stale;
  const fourEyes = fourEyesRefusal(m, "traffic-step", input.by, input.fourEyes);
  if (fourEyes) return reject("forbidden", fourEyes, m);
  const freeze = activeFreeze(input.freezeWindows, input.now);
  if (freeze)
    return reject(
      "frozen",
      `"${step.title}" cannot go on now: ${describeFreeze(freeze)}. Approve again after that.`,
      m,
    );
  const steps = withStep(m, index, {
    state: "waiting",
    startedAt: st.startedAt,
    run: st.run,
    until: input.now,
    reason: "approved",
  });
  const approvals = [
    ...m.approvals,
    { stepId: step.id, by: input.by, at: input.now, expiresAt: input.now + input.expiresMinutes * 60_000 },
  ];
  return accept(
    next(m, input.now, { steps, approvals, status: "running" }),
    [{ type: "run-step", stepIndex: index, run: st.run + 1, delayMs: 0 }],
    [
      {
        actor: input.by,
        action: "approve",
        outcome: "ok",
        detail: `approved the next step of "${step.title}"`,
      },
    ],
  );
}
