// One JSON log line per event of a migration (created, a step changing state, a status change), each
// with the migration id, the step and the actor, derived from the committed record before and after.
// Only ids, names and states go in: never tokens, never config values.

import type { Migration } from "../migration/types.js";

export interface TransitionLogLine {
  fields: {
    migrationId: string;
    env: string;
    version: number;
    step?: string;
    state?: string;
    status?: string;
    actor: string;
  };
  msg: string;
}

/** Who caused this change: the person behind a new approval or rollback, the starter, else the system. */
function actorOf(before: Migration | undefined, after: Migration): string {
  if (!before) return after.startedBy;
  const approval = after.approvals.find(
    (a) => !before.approvals.some((b) => b.stepId === a.stepId && b.at === a.at),
  );
  if (approval) return approval.by;
  if (after.rollback && after.rollback.attempt !== before.rollback?.attempt) return after.rollback.by;
  return "system";
}

export function transitionLogLines(before: Migration | undefined, after: Migration): TransitionLogLine[] {
  const actor = actorOf(before, after);
  const base = { migrationId: after.id, env: after.env, version: after.version, actor };
  if (!before) {
    return [
      {
        fields: { ...base, step: after.steps[0]?.id ?? "none", status: after.status },
        msg: `migration started: ${after.source} → ${after.target}`,
      },
    ];
  }
  const lines: TransitionLogLine[] = [];
  after.steps.forEach((s, i) => {
    const was = before.steps[i]?.status.state;
    if (was === s.status.state) return;
    lines.push({
      fields: { ...base, step: s.id, state: s.status.state },
      msg: `step ${s.id} ${s.status.state}`,
    });
  });
  if (before.status !== after.status) {
    lines.push({
      fields: { ...base, step: after.steps[after.cursor]?.id ?? "none", status: after.status },
      msg: `migration ${after.status}`,
    });
  }
  return lines;
}
