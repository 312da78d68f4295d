// What a committed transition means for the metrics: a pure function of the record before and after, so
// each fact is counted exactly once (by the one process whose compare-and-set won), whichever process
// that is.

import { isGate, isTerminal, type Migration, type StepStatus } from "../migration/types.js";

export type Observation =
  | { type: "migration-started"; env: string }
  | { type: "migration-finished"; env: string; outcome: string }
  | { type: "step-finished"; step: string; outcome: "succeeded" | "failed" | "interrupted"; seconds: number }
  | { type: "gate-waited"; gate: string; seconds: number }
  | { type: "rollback-requested"; env: string; point: string }
  | { type: "handoff-finished"; migrationId: string };

const FINISHED = new Set<StepStatus["state"]>(["succeeded", "failed", "interrupted"]);

function wasActive(s: StepStatus | undefined): boolean {
  return (
    s !== undefined && (s.state === "running" || s.state === "waiting" || s.state === "awaiting-approval")
  );
}

/** The observations of one commit; `before` is undefined when the migration was just created. */
export function observeTransition(before: Migration | undefined, after: Migration): Observation[] {
  if (!before) return [{ type: "migration-started", env: after.env }];
  const out: Observation[] = [];
  after.steps.forEach((step, i) => {
    const was = before.steps[i]?.status;
    const now = step.status;
    if (!wasActive(was) || !FINISHED.has(now.state)) return;
    if (now.state !== "succeeded" && now.state !== "failed" && now.state !== "interrupted") return;
    const seconds = Math.max(0, (now.finishedAt - now.startedAt) / 1000);
    if (isGate(step.kind)) {
      if (now.state === "succeeded") out.push({ type: "gate-waited", gate: step.kind, seconds });
      return;
    }
    out.push({ type: "step-finished", step: step.kind, outcome: now.state, seconds });
    if (step.kind === "handoff" && now.state === "succeeded")
      out.push({ type: "handoff-finished", migrationId: after.id });
  });
  if (after.rollback && !before.rollback) {
    out.push({
      type: "rollback-requested",
      env: after.env,
      point: after.steps[before.cursor]?.kind ?? "unknown",
    });
  }
  if (isTerminal(after.status) && !isTerminal(before.status))
    out.push({ type: "migration-finished", env: after.env, outcome: after.status });
  return out;
}
