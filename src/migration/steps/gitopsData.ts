// Keys and shared helpers of the GitOps steps (pause-gitops, resume-target-gitops, pause-source-gitops)
// and of the source guard. Snapshots are stored once, before the first pause, like the other steps'.

import type { GitOpsPause, GitOpsSnapshot, GuardStop, Verification } from "../ports.js";
import type { StepContext } from "./stepDefinition.js";

export const GITOPS_DATA = {
  /** Controllers that would revert the handoff, on both clusters, with their original settings. */
  handoffSnapshot: "gitops.handoffSnapshot",
  /** Controllers on the source that would revert the decommission (not already paused). */
  decommissionSnapshot: "gitops.decommissionSnapshot",
  /** Every re-activation the guard stopped, in order. */
  guardStops: "gitops.guardStops",
} as const;

export function guardStopKey(stop: Pick<GuardStop, "resource" | "resourceVersion">): string {
  return `gitops.guard.${stop.resource}@${stop.resourceVersion}`;
}

export function describePauses(pauses: readonly GitOpsPause[], cluster: (p: GitOpsPause) => string): string {
  if (pauses.length === 0) return "none";
  const names = pauses.map((p) => `${p.kind} ${p.namespace}/${p.name} on ${cluster(p)}`);
  return names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
}

export function describeGuard(stops: readonly GuardStop[]): string {
  if (stops.length === 0) return "the guard stopped nothing since the handoff";
  const managers = [...new Set(stops.map((s) => s.manager))].join(", ");
  return `the guard stopped ${stops.length} re-activation(s) since the handoff (by ${managers})`;
}

export function clusterOf(ctx: StepContext): (p: GitOpsPause) => string {
  return (p) => (p.side === "source" ? ctx.source.name : ctx.target.name);
}

export async function handoffSnapshot(ctx: StepContext): Promise<GitOpsSnapshot | undefined> {
  return ctx.data.get<GitOpsSnapshot>(GITOPS_DATA.handoffSnapshot);
}

const pauseKey = (p: GitOpsPause) => `${p.kind}|${p.namespace}|${p.name}`;

/**
 * The target's controllers to hand back after the handoff: those paused there, and the restored copies
 * of the source's (a backup of Argo CD's or Flux's namespace brings them paused, as the source was when
 * it was backed up); a copy gets the source's original settings. A copy that is not there is "gone".
 */
export function targetPauses(snapshot: GitOpsSnapshot | undefined): GitOpsPause[] {
  const pauses = snapshot?.pauses ?? [];
  const target = pauses.filter((p) => p.side === "target");
  const paused = new Set(target.map(pauseKey));
  const copies = pauses
    .filter((p) => p.side === "source" && p.fights.includes("handoff") && !paused.has(pauseKey(p)))
    .map((p): GitOpsPause => ({ ...p, side: "target", fights: ["handoff"] }));
  return [...target, ...copies];
}

/** Read-back: every controller in `pauses` is in `want` state now (one that is not there cannot fight). */
export async function verifyStates(
  ctx: StepContext,
  pauses: readonly GitOpsPause[],
  want: "paused" | "original",
): Promise<Verification> {
  if (pauses.length === 0) return { ok: true };
  const states = await ctx.ports.clusters.readGitOps(ctx, pauses);
  const off = states.filter((s) => s.state !== want && s.state !== "gone");
  if (off.length === 0) return { ok: true };
  const shown = off
    .slice(0, 5)
    .map(
      (s) =>
        `${s.pause.kind} ${s.pause.namespace}/${s.pause.name} on ${clusterOf(ctx)(s.pause)} is ${s.state}`,
    );
  return {
    ok: false,
    reason: `${off.length} GitOps controller(s) are not ${want === "paused" ? "paused" : "back to their original settings"}: ${shown.join("; ")} (a parent app or a person changed them?)`,
  };
}

/** A pausing step's verify: every controller in the snapshot stored under `key` is paused (or gone). */
export function verifyPaused(key: string): (ctx: StepContext) => Promise<Verification> {
  return async (ctx) => {
    const snapshot = await ctx.data.get<GitOpsSnapshot>(key);
    return verifyStates(ctx, snapshot?.pauses ?? [], "paused");
  };
}
