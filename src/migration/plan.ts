import type { EnvironmentConfig } from "../config/schema.js";
import type { StepKind, StepSpec } from "./types.js";

const TITLES: Record<StepKind, string> = {
  preflight: "Preflight checks",
  "lower-ttl": "Lower DNS TTL",
  backup: "Back up source (Velero)",
  "pause-gitops": "Pause GitOps that would undo the handoff",
  restore: "Restore into target",
  "wait-ready": "Wait for target workloads",
  smoke: "Smoke checks on target",
  "gate-cutover": "Approve cutover",
  handoff: "Hand off duplication-forbidden jobs",
  "resume-target-gitops": "Resume GitOps on target",
  "shift-traffic": "Shift traffic",
  "public-health": "Check public health",
  soak: "Soak",
  "gate-decommission": "Approve decommission",
  "pause-source-gitops": "Pause GitOps that would undo the decommission",
  decommission: "Decommission source",
  "restore-ttl": "Restore DNS TTL",
};

/** Whether a step changes the world (and so has a compensation on rollback). */
const EFFECT: Record<StepKind, boolean> = {
  preflight: false,
  "lower-ttl": true,
  backup: false,
  "pause-gitops": true,
  restore: false, // the target is new: nothing to undo there (ARCHITECTURE.md step model)
  "wait-ready": false,
  smoke: false,
  "gate-cutover": false,
  handoff: true,
  "resume-target-gitops": true,
  "shift-traffic": true,
  "public-health": false,
  soak: false,
  "gate-decommission": false,
  "pause-source-gitops": true,
  decommission: true,
  "restore-ttl": true,
};

export function stepTitle(kind: StepKind): string {
  return TITLES[kind];
}

/** The default runbook for one environment (ARCHITECTURE.md, "The step model"). */
export function buildPlan(env: EnvironmentConfig): StepSpec[] {
  const kinds: StepKind[] = ["preflight"];
  if (env.dns.lowerTtl.enabled) kinds.push("lower-ttl");
  kinds.push(
    // Before the backup: the target's GitOps would start what is restored suspended, and Applications
    // restored from the backup come paused too (src/k8s/gitops).
    "pause-gitops",
    "backup",
    "restore",
    "wait-ready",
    "smoke",
    "gate-cutover",
    "handoff",
    "resume-target-gitops",
    "shift-traffic",
    "public-health",
  );
  kinds.push("soak", "gate-decommission", "pause-source-gitops", "decommission");
  if (env.dns.lowerTtl.enabled) kinds.push("restore-ttl");
  return kinds.map((kind) => ({ id: kind, kind, title: stepTitle(kind), effect: EFFECT[kind] }));
}

/** Steps after which rollback is no longer offered (the old cluster is being retired). */
export function isPointOfNoReturn(kind: StepKind): boolean {
  return kind === "decommission" || kind === "restore-ttl";
}
