// Probe: what Argo CD and Flux manage among the resources the migration changes, on both clusters, and
// whether their sync would revert the handoff or the decommission. Warnings where hikkoshi pauses them
// itself; blocking where it cannot (an ApplicationSet owns the Application, the controller is not on
// that cluster, or hikkoshi may not patch it).

import type { Finding } from "../../migration/types.js";
import { type Assessment, assessGitOps, type ControllerUse, type Side } from "../gitops/assess.js";
import { GITOPS_GROUPS } from "../gitops/controllers.js";
import { readSide } from "../gitops/read.js";
import { controllerString, PAUSED_BY_HAND_ANNOTATION } from "../gitops/tracking.js";
import { capSubjects } from "../objects.js";
import { clusterName, type ProbeContext } from "./probe.js";
import { selfAllowed } from "./selfAccess.js";

const REVERTS: Record<"now" | "next-sync", string> = {
  now: "reverts within seconds",
  "next-sync": "reverts at its next sync",
};

function describeUse(u: ControllerUse): string {
  const shown = u.manages.slice(0, 3).join(", ");
  const more = u.manages.length > 3 ? ` and ${u.manages.length - 3} more` : "";
  const when = u.controller.reverts === "never" ? "sync off" : REVERTS[u.controller.reverts];
  return `${controllerString(u.controller)} (${when}) manages ${shown}${more}`;
}

function pauseCommand(u: ControllerUse): string {
  return u.controller.kind === "Application"
    ? `argocd app set ${u.controller.namespace}/${u.controller.name} --sync-policy none`
    : `flux suspend ${u.controller.kind === "Kustomization" ? "kustomization" : "helmrelease"} ${u.controller.name} -n ${u.controller.namespace}`;
}

/** One finding about a group of controller uses (their count and capped subjects); none when it is empty. */
function aboutUses(
  out: Finding[],
  uses: ControllerUse[],
  subject: (u: ControllerUse) => string,
  finding: (count: number) => Omit<Finding, "subjects">,
): void {
  if (uses.length === 0) return;
  out.push({ ...finding(uses.length), subjects: capSubjects(uses.map(subject)) });
}

/** Pure: the findings of an assessment; `cluster` names each side, `denied` the sides hikkoshi may not patch. */
export function gitOpsFindings(
  a: Assessment,
  cluster: (side: Side) => string,
  denied: ReadonlyArray<{ side: Side; what: string }> = [],
): Finding[] {
  const out: Finding[] = [];
  for (const side of ["source", "target"] as const) {
    const name = cluster(side);
    for (const fight of ["handoff", "decommission"] as const) {
      const uses = a.toPause.filter((u) => u.side === side && u.fights.includes(fight));
      if (uses.length === 0) continue;
      const undo =
        fight === "handoff"
          ? side === "source"
            ? "would un-suspend duplication-forbidden resources hikkoshi stopped there"
            : "would start the duplication-forbidden resources hikkoshi restores suspended, beside the source"
          : "would scale the decommissioned workloads back up";
      const plan =
        fight === "handoff"
          ? side === "source"
            ? "hikkoshi pauses them before the restore and keeps them paused until decommission; a rollback restores their settings exactly"
            : "hikkoshi pauses them before the restore and restores their settings after the handoff"
          : "hikkoshi pauses them right before the decommission (a rollback restores them)";
      out.push({
        code: `gitops-reverts-${fight}`,
        severity: "warning",
        message: `${uses.length} GitOps controller(s) on ${name} ${undo}: ${plan}`,
        fix: `nothing to do unless you prefer pausing by hand (e.g. \`${pauseCommand(uses[0]!)}\`); commit the move in Git before un-pausing anything yourself`,
        subjects: capSubjects(uses.map(describeUse)),
      });
    }
    aboutUses(
      out,
      a.alreadyPaused.filter((u) => u.side === side),
      describeUse,
      (n) => ({
        code: "gitops-already-paused",
        severity: "info",
        message: `${n} GitOps controller(s) on ${name} manage resources the migration changes but their sync is off: hikkoshi leaves them as they are`,
        fix: "turn their sync back on only once Git says what the migration did",
      }),
    );
    aboutUses(
      out,
      a.unpausable.filter((u) => u.side === side),
      (u) => `${describeUse(u)}; owner ${u.controller.ownedBy ?? "?"}`,
      (n) => ({
        code: "gitops-cannot-pause",
        severity: "blocking",
        message: `${n} Argo CD Application(s) on ${name} would revert the migration and belong to an ApplicationSet, which puts their sync policy back if hikkoshi changes it`,
        fix: "turn automated sync off in the ApplicationSet's template (spec.template.spec.syncPolicy) for the migration, then plan again",
      }),
    );
    for (const u of a.unknown.filter((x) => x.side === side)) {
      out.push({
        code: "gitops-unknown-controller",
        severity: "blocking",
        message: `${u.resources.length} resource(s) on ${name} that the migration changes are marked as managed by ${u.controller}, which is not on ${name} (a controller on another cluster?): hikkoshi cannot pause it`,
        fix: `pause ${u.controller} where it runs, then mark them \`kubectl annotate <kind> <name> ${PAUSED_BY_HAND_ANNOTATION}=true\` (or grant hikkoshi list on its kind if it is on ${name}) and plan again`,
        subjects: u.resources,
      });
    }
    const hand = a.byHand.filter((b) => b.side === side).flatMap((b) => b.resources);
    if (hand.length > 0) {
      out.push({
        code: "gitops-paused-by-hand",
        severity: "info",
        message: `${hand.length} resource(s) on ${name} are marked ${PAUSED_BY_HAND_ANNOTATION}: hikkoshi trusts their controller is paused; its guard still stops any forbidden one that starts again on the source`,
        subjects: capSubjects(hand),
      });
    }
    const refused = denied.filter((d) => d.side === side).map((d) => d.what);
    if (refused.length > 0) {
      out.push({
        code: "gitops-missing-permissions",
        severity: "blocking",
        message: `hikkoshi may not pause the GitOps controllers on ${name} that would revert the migration`,
        fix: `apply deploy/rbac/clusterrole.yaml on ${name} (it grants patch on Argo CD Applications and Flux Kustomizations/HelmReleases), or pause them by hand and plan again`,
        subjects: capSubjects(refused),
      });
    }
  }
  return out;
}

async function canPatch(p: ProbeContext, side: Side, u: ControllerUse): Promise<boolean> {
  const g = GITOPS_GROUPS[u.controller.kind];
  return selfAllowed(side === "source" ? p.source : p.target, {
    verb: "patch",
    group: g.group,
    resource: g.plural,
    namespace: u.controller.namespace,
    name: u.controller.name,
  });
}

export async function probeGitOps(p: ProbeContext): Promise<Finding[]> {
  const base = { forbidden: p.forbidden, excludedNamespaces: p.ctx.env.excludedNamespaces };
  const views = await Promise.all([
    readSide(p.source, { ...base, side: "source" }),
    readSide(p.target, { ...base, side: "target" }),
  ]);
  const a = assessGitOps(views);
  const checks = await Promise.all(
    a.toPause.map(async (u) => ((await canPatch(p, u.side, u)) ? undefined : u)),
  );
  const denied = checks
    .filter((u): u is ControllerUse => u !== undefined)
    .map((u) => ({ side: u.side, what: `patch ${controllerString(u.controller)}` }));
  return gitOpsFindings(a, (side) => clusterName(p, side), denied);
}
