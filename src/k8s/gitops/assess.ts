// What GitOps would do to a migration, from both clusters' objects: which controllers manage the
// resources the migration changes, which of them would revert the handoff or the decommission, and
// which hikkoshi cannot pause (unknown controller, ApplicationSet-owned). Pure: preflight turns it into
// findings, the pause step into a snapshot.

import type { GitOpsFight, GitOpsKind, GitOpsPause } from "../../migration/ports.js";
import { capSubjects } from "../objects.js";
import type { GitOpsObject, Reverts } from "./controllers.js";
import { type ControllerRef, controllerOf, controllerString, PAUSED_BY_HAND_ANNOTATION } from "./tracking.js";

export type Side = "source" | "target";

export interface ManagedResource {
  kind: "CronJob" | "Deployment" | "StatefulSet";
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  forbidden: boolean;
}

export interface SideView {
  side: Side;
  controllers: GitOpsObject[];
  resources: ManagedResource[];
}

export interface ControllerUse {
  side: Side;
  controller: GitOpsObject;
  fights: GitOpsFight[];
  manages: string[];
}

export interface Assessment {
  /** Controllers that would revert the migration and that hikkoshi can pause. */
  toPause: ControllerUse[];
  /** Controllers managing changed resources whose sync is already off (paused by the team). */
  alreadyPaused: ControllerUse[];
  /** Owned by an ApplicationSet: pausing the Application is undone by it. */
  unpausable: ControllerUse[];
  /** Resources marked by a controller that is not on that cluster (it runs elsewhere, or is gone). */
  unknown: Array<{ side: Side; controller: string; resources: string[] }>;
  /** Resources the team marked as paused by hand (`hikkoshi.dev/gitops-paused-by-hand`). */
  byHand: Array<{ side: Side; resources: string[] }>;
}

const resString = (r: ManagedResource) => `${r.kind} ${r.namespace}/${r.name}`;
const ctrlKey = (side: Side, c: { kind: GitOpsKind; namespace: string; name: string }) =>
  `${side}|${c.kind}|${c.namespace}|${c.name}`;

/** What the migration does to a resource on this side that a controller could undo. */
function fightsOf(side: Side, r: ManagedResource): GitOpsFight[] {
  const out: GitOpsFight[] = [];
  if (r.forbidden) out.push("handoff");
  if (side === "source" && (r.kind === "Deployment" || r.kind === "StatefulSet")) out.push("decommission");
  return out;
}

function resolve(ref: ControllerRef, controllers: readonly GitOpsObject[]): GitOpsObject | undefined {
  const same = controllers.filter((c) => c.kind === ref.kind && c.name === ref.name);
  if (ref.namespace) return same.find((c) => c.namespace === ref.namespace);
  // An app name without a namespace lives in Argo CD's control-plane namespace (usually `argocd`).
  return same.find((c) => c.namespace === "argocd") ?? same[0];
}

export function assessGitOps(views: readonly SideView[]): Assessment {
  const uses = new Map<string, ControllerUse>();
  const unknown = new Map<string, { side: Side; controller: string; resources: string[] }>();
  const byHand: Assessment["byHand"] = [];

  const use = (side: Side, c: GitOpsObject, fights: readonly GitOpsFight[], what: string) => {
    const k = ctrlKey(side, c);
    const u = uses.get(k) ?? { side, controller: c, fights: [], manages: [] };
    for (const f of fights) if (!u.fights.includes(f)) u.fights.push(f);
    if (!u.manages.includes(what)) u.manages.push(what);
    uses.set(k, u);
  };

  for (const view of views) {
    const handMarked: string[] = [];
    for (const r of view.resources) {
      const fights = fightsOf(view.side, r);
      if (fights.length === 0) continue;
      const ref = controllerOf(r.labels, r.annotations);
      if (!ref) continue;
      const ctrl = resolve(ref, view.controllers);
      if (ctrl) {
        use(view.side, ctrl, fights, resString(r));
        continue;
      }
      // Helm sets app.kubernetes.io/instance too: without such an Application it is not Argo CD's mark.
      if (ref.via === "instance-label") continue;
      if (r.annotations[PAUSED_BY_HAND_ANNOTATION] === "true") {
        handMarked.push(resString(r));
        continue;
      }
      const name = controllerString(ref);
      const u = unknown.get(`${view.side}|${name}`) ?? { side: view.side, controller: name, resources: [] };
      u.resources.push(resString(r));
      unknown.set(`${view.side}|${name}`, u);
    }
    if (handMarked.length > 0) byHand.push({ side: view.side, resources: handMarked });
    // App of apps: a controller that manages a controller we pause would put its sync policy back.
    let frontier = [...uses.values()].filter((u) => u.side === view.side);
    for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
      const next: ControllerUse[] = [];
      for (const u of frontier) {
        const ref = controllerOf(u.controller.labels, u.controller.annotations);
        const parent = ref ? resolve(ref, view.controllers) : undefined;
        if (!parent || ctrlKey(view.side, parent) === ctrlKey(view.side, u.controller)) continue;
        const before = uses.has(ctrlKey(view.side, parent));
        use(view.side, parent, u.fights, controllerString(u.controller));
        if (!before) next.push(uses.get(ctrlKey(view.side, parent))!);
      }
      frontier = next;
    }
  }

  // The target syncs the same Git: before the restore its twin of a source controller manages nothing
  // yet, but would start (and keep running) the forbidden resources as soon as they are restored.
  const target = views.find((v) => v.side === "target");
  if (target) {
    for (const u of [...uses.values()]) {
      if (u.side !== "source" || !u.fights.includes("handoff")) continue;
      const twin = target.controllers.find(
        (c) =>
          c.kind === u.controller.kind &&
          ((c.namespace === u.controller.namespace && c.name === u.controller.name) ||
            (c.source !== "#" && c.source === u.controller.source)),
      );
      if (!twin) continue;
      const forbidden = u.manages.filter(
        (m) => !m.startsWith("Application ") && !m.startsWith("Kustomization "),
      );
      for (const m of forbidden.length > 0 ? forbidden : u.manages) use("target", twin, ["handoff"], m);
    }
  }

  const all = [...uses.values()].map((u) => ({ ...u, manages: capSubjects(u.manages) }));
  const order = (a: ControllerUse, b: ControllerUse) =>
    ctrlKey(a.side, a.controller).localeCompare(ctrlKey(b.side, b.controller));
  return {
    toPause: all.filter((u) => u.controller.reverts !== "never" && !u.controller.ownedBy).sort(order),
    alreadyPaused: all.filter((u) => u.controller.reverts === "never").sort(order),
    unpausable: all.filter((u) => u.controller.reverts !== "never" && u.controller.ownedBy).sort(order),
    unknown: [...unknown.values()].map((u) => ({ ...u, resources: capSubjects(u.resources) })),
    byHand: byHand.map((b) => ({ ...b, resources: capSubjects(b.resources) })),
  };
}

/** The pauses of one fight, with each controller's original settings. */
export function pausesFor(a: Assessment, fight: GitOpsFight): GitOpsPause[] {
  return a.toPause
    .filter((u) => u.fights.includes(fight))
    .map((u) => ({
      side: u.side,
      kind: u.controller.kind,
      namespace: u.controller.namespace,
      name: u.controller.name,
      fights: u.fights,
      manages: u.manages,
      original: u.controller.original,
    }));
}

export function revertsLabel(r: Reverts): string {
  switch (r) {
    case "now":
      return "within seconds (self-heal / drift correction)";
    case "next-sync":
      return "at its next sync (a Git change, or its interval)";
    case "never":
      return "never (sync is off)";
  }
}
