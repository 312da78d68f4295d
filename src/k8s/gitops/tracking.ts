// Which GitOps controller manages a resource, from the marks the controllers leave on what they apply:
// Argo CD's tracking-id annotation (`<app>:<group>/<kind>:<namespace>/<name>`, the app being
// `<namespace>_<name>` outside the control-plane namespace) or its `app.kubernetes.io/instance` label,
// and Flux's `kustomize.toolkit.fluxcd.io/*` and `helm.toolkit.fluxcd.io/*` labels. Pure.

import type { GitOpsKind } from "../../migration/ports.js";

export const ARGO_TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";
/** Also Helm's standard release label: it names an Argo CD app only when such an Application exists. */
export const ARGO_INSTANCE_LABEL = "app.kubernetes.io/instance";
/** Set on a resource whose controller the team paused by hand where hikkoshi cannot reach it. */
export const PAUSED_BY_HAND_ANNOTATION = "hikkoshi.dev/gitops-paused-by-hand";

export interface ControllerRef {
  kind: GitOpsKind;
  /** Empty for an Argo CD app name without a namespace: resolved against the Applications listed. */
  namespace: string;
  name: string;
  /** How the mark was read: the instance label alone is ambiguous (Helm sets it too). */
  via: "tracking-id" | "instance-label" | "flux-label";
}

function argoApp(app: string, via: ControllerRef["via"]): ControllerRef {
  const at = app.indexOf("_");
  return at > 0
    ? { kind: "Application", namespace: app.slice(0, at), name: app.slice(at + 1), via }
    : { kind: "Application", namespace: "", name: app, via };
}

/** Flux's own labels on what a Kustomization or HelmRelease applied (`<toolkit>.toolkit.fluxcd.io/name`). */
function fluxRef(
  labels: Record<string, string>,
  toolkit: "kustomize" | "helm",
  kind: "Kustomization" | "HelmRelease",
): ControllerRef | undefined {
  const name = labels[`${toolkit}.toolkit.fluxcd.io/name`];
  if (!name) return undefined;
  return {
    kind,
    namespace: labels[`${toolkit}.toolkit.fluxcd.io/namespace`] ?? "",
    name,
    via: "flux-label",
  };
}

export function controllerOf(
  labels: Record<string, string>,
  annotations: Record<string, string>,
): ControllerRef | undefined {
  const tracking = annotations[ARGO_TRACKING_ANNOTATION];
  const app = tracking?.split(":")[0];
  if (app) return argoApp(app, "tracking-id");
  const flux = fluxRef(labels, "kustomize", "Kustomization") ?? fluxRef(labels, "helm", "HelmRelease");
  if (flux) return flux;
  const instance = labels[ARGO_INSTANCE_LABEL];
  if (instance) return argoApp(instance, "instance-label");
  return undefined;
}

export function controllerString(ref: { kind: GitOpsKind; namespace: string; name: string }): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
