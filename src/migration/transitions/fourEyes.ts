// Four-eyes, in one place: where it is configured, whoever started a migration cannot approve its
// cutover, nor any step of a weighted traffic shift. The engine enforces it; the bot asks the same
// function to refuse early and to say on the message who may not approve. Plain text: the domain names
// people by id and never writes Slack markup.

import { type GateKind, isGate, type Migration, type Step } from "../types.js";

/** What an approval approves: a gate, or the next step of a traffic shift that waits for a person. */
export type ApprovalKind = GateKind | "traffic-step";

export function approvalKindOf(step: Step): ApprovalKind | undefined {
  if (isGate(step.kind)) return step.kind;
  return step.status.state === "awaiting-approval" ? "traffic-step" : undefined;
}

/** The approvals four-eyes covers. */
export function fourEyesCovers(kind: ApprovalKind): boolean {
  switch (kind) {
    case "gate-cutover":
    case "traffic-step":
      return true;
    case "gate-decommission":
      return false;
  }
}

/** Why `by` may not give this approval under four-eyes, or undefined when they may. */
export function fourEyesRefusal(
  m: Migration,
  kind: ApprovalKind,
  by: string,
  enabled: boolean,
): string | undefined {
  if (!enabled || !fourEyesCovers(kind) || by !== m.startedBy) return undefined;
  const what = kind === "gate-cutover" ? "the cutover" : "each traffic step";
  return `four-eyes rule: ${m.startedBy} started ${m.id}, so someone else must approve ${what}`;
}
