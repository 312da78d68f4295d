// The GitOps controllers' CustomResourceDefinitions, cut down to the fields hikkoshi reads and writes
// (field names and types as in the official CRDs: Argo CD argoproj.io/v1alpha1 Application, Flux
// kustomize.toolkit.fluxcd.io/v1 Kustomization and helm.toolkit.fluxcd.io/v2 HelmRelease). Unknown
// fields are preserved, as the official schemas do for status and values.

import { crdObject, PRESERVE_UNKNOWN } from "../crd.js";
import type { JsonObject, KubeObject } from "../types.js";

const bool = { type: "boolean" };
const str = { type: "string" };
const sourceRef = {
  type: "object",
  properties: { apiVersion: str, kind: str, name: str, namespace: str },
  required: ["kind", "name"],
};

function crd(args: {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames: string[];
  spec: JsonObject;
}): KubeObject {
  const { spec, ...names } = args;
  const schema = { type: "object", properties: { spec, status: PRESERVE_UNKNOWN } };
  return crdObject({ ...names, schema, statusSubresource: true });
}

export const APPLICATION_CRD = crd({
  group: "argoproj.io",
  version: "v1alpha1",
  kind: "Application",
  plural: "applications",
  shortNames: ["app", "apps"],
  spec: {
    type: "object",
    required: ["destination", "project"],
    properties: {
      project: str,
      source: {
        type: "object",
        properties: { repoURL: str, path: str, targetRevision: str, chart: str },
        required: ["repoURL"],
      },
      destination: { type: "object", properties: { server: str, name: str, namespace: str } },
      syncPolicy: {
        type: "object",
        properties: {
          // `enabled` (Argo CD 3.x): false skips automated sync; absent or null counts as enabled.
          automated: {
            type: "object",
            properties: { enabled: bool, prune: bool, selfHeal: bool, allowEmpty: bool },
          },
          syncOptions: { type: "array", items: str },
        },
      },
    },
  },
});

export const KUSTOMIZATION_CRD = crd({
  group: "kustomize.toolkit.fluxcd.io",
  version: "v1",
  kind: "Kustomization",
  plural: "kustomizations",
  shortNames: ["ks"],
  spec: {
    type: "object",
    required: ["interval", "prune", "sourceRef"],
    properties: {
      interval: str,
      path: str,
      prune: bool,
      sourceRef,
      suspend: bool,
      targetNamespace: str,
    },
  },
});

export const HELMRELEASE_CRD = crd({
  group: "helm.toolkit.fluxcd.io",
  version: "v2",
  kind: "HelmRelease",
  plural: "helmreleases",
  shortNames: ["hr"],
  spec: {
    type: "object",
    required: ["interval"],
    properties: {
      interval: str,
      chart: {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: { chart: str, version: str, sourceRef },
            required: ["chart", "sourceRef"],
          },
        },
      },
      // `enabled` corrects drift on every reconcile; `warn` only reports it; absent = disabled.
      driftDetection: {
        type: "object",
        properties: { mode: { type: "string", enum: ["enabled", "warn", "disabled"] } },
      },
      releaseName: str,
      suspend: bool,
      targetNamespace: str,
      values: PRESERVE_UNKNOWN,
    },
  },
});

export const GITOPS_CRDS: readonly KubeObject[] = [APPLICATION_CRD, KUSTOMIZATION_CRD, HELMRELEASE_CRD];
