// How the simulated controllers recognise what they manage, as the real ones do: Argo CD's tracking-id
// annotation (`<app>:<group>/<kind>:<namespace>/<name>`) or its `app.kubernetes.io/instance` label, and
// Flux's `kustomize.toolkit.fluxcd.io/{name,namespace}` / `helm.toolkit.fluxcd.io/{name,namespace}` labels.

import type { KubeObject } from "../types.js";

export type GitOpsKind = "Application" | "Kustomization" | "HelmRelease";

export interface OwnerRef {
  kind: GitOpsKind;
  namespace: string;
  name: string;
}

export const ARGO_TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";
export const ARGO_INSTANCE_LABEL = "app.kubernetes.io/instance";

/** Argo CD app names are `<namespace>_<name>` for Applications outside the control-plane namespace. */
function argoApp(appName: string, argoNamespace: string): OwnerRef {
  const at = appName.indexOf("_");
  return at > 0
    ? { kind: "Application", namespace: appName.slice(0, at), name: appName.slice(at + 1) }
    : { kind: "Application", namespace: argoNamespace, name: appName };
}

export function ownerOf(obj: KubeObject, argoNamespace: string): OwnerRef | undefined {
  const labels = obj.metadata?.labels ?? {};
  const annotations = obj.metadata?.annotations ?? {};
  const tracking = annotations[ARGO_TRACKING_ANNOTATION];
  if (tracking) {
    const app = tracking.split(":")[0];
    if (app) return argoApp(app, argoNamespace);
  }
  const ks = labels["kustomize.toolkit.fluxcd.io/name"];
  if (ks) {
    return {
      kind: "Kustomization",
      namespace: labels["kustomize.toolkit.fluxcd.io/namespace"] ?? "",
      name: ks,
    };
  }
  const hr = labels["helm.toolkit.fluxcd.io/name"];
  if (hr)
    return { kind: "HelmRelease", namespace: labels["helm.toolkit.fluxcd.io/namespace"] ?? "", name: hr };
  const instance = labels[ARGO_INSTANCE_LABEL];
  if (instance) return argoApp(instance, argoNamespace);
  return undefined;
}

/** Marks `obj` as managed by Argo CD Application `app` through the tracking-id annotation; returns it. */
export function argoTracked(app: string, obj: KubeObject): KubeObject {
  const apiVersion = obj.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const id = `${app}:${group}/${obj.kind}:${obj.metadata?.namespace}/${obj.metadata?.name}`;
  obj.metadata = {
    ...obj.metadata,
    annotations: { ...(obj.metadata?.annotations ?? {}), [ARGO_TRACKING_ANNOTATION]: id },
  };
  return obj;
}

/** Marks `obj` as managed by Argo CD Application `app` through the instance label; returns it. */
export function argoInstanceLabelled(app: string, obj: KubeObject): KubeObject {
  obj.metadata = { ...obj.metadata, labels: { ...(obj.metadata?.labels ?? {}), [ARGO_INSTANCE_LABEL]: app } };
  return obj;
}

/** Marks `obj` as applied by Flux Kustomization (or HelmRelease) `name` in flux-system; returns it. */
export function fluxTracked(
  name: string,
  obj: KubeObject,
  kind: "kustomize" | "helm" = "kustomize",
): KubeObject {
  obj.metadata = {
    ...obj.metadata,
    labels: {
      ...(obj.metadata?.labels ?? {}),
      [`${kind}.toolkit.fluxcd.io/name`]: name,
      [`${kind}.toolkit.fluxcd.io/namespace`]: "flux-system",
    },
  };
  return obj;
}

/** Whether the controller object would put drifted fields back now. */
export function revertsDrift(kind: GitOpsKind, ctrl: KubeObject): boolean {
  const spec = (ctrl.spec ?? {}) as {
    suspend?: unknown;
    syncPolicy?: { automated?: { enabled?: unknown; selfHeal?: unknown } | null };
    driftDetection?: { mode?: unknown };
  };
  switch (kind) {
    case "Application": {
      const auto = spec.syncPolicy?.automated;
      return auto !== undefined && auto !== null && auto.enabled !== false && auto.selfHeal === true;
    }
    case "Kustomization":
      return spec.suspend !== true;
    case "HelmRelease":
      return spec.suspend !== true && spec.driftDetection?.mode === "enabled";
  }
}

export const FIELD_MANAGERS: Record<GitOpsKind, string> = {
  Application: "argocd-controller",
  Kustomization: "kustomize-controller",
  HelmRelease: "helm-controller",
};
