// The GitOps controller objects as data: their API coordinates, whether they would revert a change now,
// and the patches that pause them and put their settings back. Pure.

import type { GitOpsKind, GitOpsPause } from "../../migration/ports.js";
import type { Gvr } from "../listing.js";
import { getArray, getBool, getIn, getString, getStringMap, isRecord, refOf } from "../objects.js";

export const GITOPS_GROUPS: Record<GitOpsKind, { group: string; plural: string; fallbackVersion: string }> = {
  Application: { group: "argoproj.io", plural: "applications", fallbackVersion: "v1alpha1" },
  Kustomization: { group: "kustomize.toolkit.fluxcd.io", plural: "kustomizations", fallbackVersion: "v1" },
  HelmRelease: { group: "helm.toolkit.fluxcd.io", plural: "helmreleases", fallbackVersion: "v2" },
};

export const GITOPS_KINDS: readonly GitOpsKind[] = ["Application", "Kustomization", "HelmRelease"];

/** The served version of the kind's group (discovery's preferred `group/version`), if any. */
export function gvrOf(kind: GitOpsKind, preferred: ReadonlyMap<string, string>): Gvr | undefined {
  const g = GITOPS_GROUPS[kind];
  const gv = preferred.get(g.group);
  if (!gv) return undefined;
  return { group: g.group, version: gv.slice(gv.indexOf("/") + 1), plural: g.plural };
}

/** How soon a controller would undo a change: at once (self-heal, drift correction), at its next sync, never. */
export type Reverts = "now" | "next-sync" | "never";

export interface GitOpsObject {
  kind: GitOpsKind;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  reverts: Reverts;
  /** Owned by an ApplicationSet: a change to its sync policy is overwritten by the ApplicationSet. */
  ownedBy?: string;
  /** Git identity (repo and path or chart), to find the twin of a source controller on the target. */
  source: string;
  original: GitOpsPause["original"];
}

function argoReverts(obj: unknown): Reverts {
  const auto = getIn(obj, ["spec", "syncPolicy", "automated"]);
  if (!isRecord(auto) || auto.enabled === false) return "never";
  return auto.selfHeal === true ? "now" : "next-sync";
}

export function readGitOpsObject(kind: GitOpsKind, obj: unknown): GitOpsObject {
  const ref = refOf(obj);
  const owner = getArray(obj, ["metadata", "ownerReferences"]).find(
    (o) => getString(o, ["kind"]) === "ApplicationSet",
  );
  const suspended = getBool(obj, ["spec", "suspend"]);
  const base = {
    kind,
    namespace: ref.namespace,
    name: ref.name,
    labels: getStringMap(obj, ["metadata", "labels"]),
    annotations: getStringMap(obj, ["metadata", "annotations"]),
    ...(owner ? { ownedBy: `ApplicationSet ${getString(owner, ["name"]) ?? ""}` } : {}),
  };
  switch (kind) {
    case "Application": {
      const auto = getIn(obj, ["spec", "syncPolicy", "automated"]);
      return {
        ...base,
        reverts: argoReverts(obj),
        source: `${getString(obj, ["spec", "source", "repoURL"]) ?? ""}#${getString(obj, ["spec", "source", "path"]) ?? getString(obj, ["spec", "source", "chart"]) ?? ""}`,
        original: { field: "automated", value: auto === undefined ? null : auto },
      };
    }
    case "Kustomization":
      return {
        ...base,
        reverts: suspended === true ? "never" : "now",
        source: `${getString(obj, ["spec", "sourceRef", "name"]) ?? ""}#${getString(obj, ["spec", "path"]) ?? ""}`,
        original: { field: "suspend", value: suspended ?? null },
      };
    case "HelmRelease":
      return {
        ...base,
        reverts:
          suspended === true
            ? "never"
            : getString(obj, ["spec", "driftDetection", "mode"]) === "enabled"
              ? "now"
              : "next-sync",
        source: `${getString(obj, ["spec", "chart", "spec", "sourceRef", "name"]) ?? ""}#${getString(obj, ["spec", "chart", "spec", "chart"]) ?? ""}`,
        original: { field: "suspend", value: suspended ?? null },
      };
  }
}

/** Merge patch that stops the controller from syncing (Argo CD: no automated policy; Flux: suspended). */
export function pausePatch(p: Pick<GitOpsPause, "original">): object {
  return p.original.field === "automated"
    ? { spec: { syncPolicy: { automated: null } } }
    : { spec: { suspend: true } };
}

/** Whether the object is paused as `pausePatch` leaves it. */
export function isPaused(kind: GitOpsKind, obj: unknown): boolean {
  return kind === "Application"
    ? getIn(obj, ["spec", "syncPolicy", "automated"]) === undefined ||
        getIn(obj, ["spec", "syncPolicy", "automated"]) === null
    : getBool(obj, ["spec", "suspend"]) === true;
}

/**
 * Merge patch that writes the original back exactly: keys the current `automated` has and the original
 * lacks are removed (a merge patch would otherwise keep them), and an absent original is removed.
 */
export function restorePatch(p: Pick<GitOpsPause, "original">, current: unknown): object {
  if (p.original.field === "suspend") return { spec: { suspend: p.original.value } };
  const orig = p.original.value;
  const cur = getIn(current, ["spec", "syncPolicy", "automated"]);
  if (!isRecord(orig)) return { spec: { syncPolicy: { automated: null } } };
  const value: Record<string, unknown> = { ...orig };
  if (isRecord(cur)) for (const k of Object.keys(cur)) if (!(k in orig)) value[k] = null;
  return { spec: { syncPolicy: { automated: value } } };
}

/** Whether the object's settings equal the original (what a restore must achieve). */
export function hasOriginal(p: Pick<GitOpsPause, "original">, obj: unknown): boolean {
  if (p.original.field === "suspend") return (getBool(obj, ["spec", "suspend"]) ?? null) === p.original.value;
  const cur = getIn(obj, ["spec", "syncPolicy", "automated"]) ?? null;
  return JSON.stringify(sortKeys(cur)) === JSON.stringify(sortKeys(p.original.value));
}

function sortKeys(v: unknown): unknown {
  if (!isRecord(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}
