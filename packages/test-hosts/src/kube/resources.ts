// The resource catalogue: which kinds exist, under which group/versions, and how they behave.
// Built-in kinds are listed here; custom resources are added at runtime from CustomResourceDefinitions.

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceDef {
  group: string;
  /** Versions this kind exists in (the host decides which are served). First is the storage version. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  statusSubresource: boolean;
  scale?: ScaleSpec;
  /** Create-only review kinds (SelfSubjectAccessReview): never stored. */
  review?: boolean;
  /** From a CustomResourceDefinition (name `<plural>.<group>`). */
  crd?: string;
}

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function verbsOf(def: ResourceDef): string[] {
  return def.review ? ["create"] : ALL_VERBS;
}

const replicaScale: ScaleSpec = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath: ".status.selector",
};

function def(
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef {
  return {
    group,
    versions,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    statusSubresource: false,
    ...extra,
  };
}

/** Built-in kinds, with every version a real apiserver has served for them. */
export const BUILTIN_RESOURCES: readonly ResourceDef[] = [
  def("", ["v1"], "Namespace", "namespaces", false, { shortNames: ["ns"], statusSubresource: true }),
  def("", ["v1"], "Node", "nodes", false, { shortNames: ["no"], statusSubresource: true }),
  def("", ["v1"], "Pod", "pods", true, { shortNames: ["po"], categories: ["all"], statusSubresource: true }),
  def("", ["v1"], "Service", "services", true, {
    shortNames: ["svc"],
    categories: ["all"],
    statusSubresource: true,
  }),
  def("", ["v1"], "ConfigMap", "configmaps", true, { shortNames: ["cm"] }),
  def("", ["v1"], "Secret", "secrets", true),
  def("", ["v1"], "PersistentVolumeClaim", "persistentvolumeclaims", true, {
    shortNames: ["pvc"],
    statusSubresource: true,
  }),
  def("", ["v1"], "PersistentVolume", "persistentvolumes", false, {
    shortNames: ["pv"],
    statusSubresource: true,
  }),
  def("", ["v1"], "ServiceAccount", "serviceaccounts", true, { shortNames: ["sa"] }),
  def("", ["v1"], "Event", "events", true, { shortNames: ["ev"] }),
  def("apps", ["v1"], "Deployment", "deployments", true, {
    shortNames: ["deploy"],
    categories: ["all"],
    statusSubresource: true,
    scale: replicaScale,
  }),
  def("apps", ["v1"], "StatefulSet", "statefulsets", true, {
    shortNames: ["sts"],
    categories: ["all"],
    statusSubresource: true,
    scale: replicaScale,
  }),
  def("apps", ["v1"], "DaemonSet", "daemonsets", true, {
    shortNames: ["ds"],
    categories: ["all"],
    statusSubresource: true,
  }),
  def("apps", ["v1"], "ReplicaSet", "replicasets", true, {
    shortNames: ["rs"],
    categories: ["all"],
    statusSubresource: true,
    scale: replicaScale,
  }),
  def("batch", ["v1", "v1beta1"], "CronJob", "cronjobs", true, {
    shortNames: ["cj"],
    categories: ["all"],
    statusSubresource: true,
  }),
  def("batch", ["v1"], "Job", "jobs", true, { categories: ["all"], statusSubresource: true }),
  def("networking.k8s.io", ["v1", "v1beta1"], "Ingress", "ingresses", true, {
    shortNames: ["ing"],
    statusSubresource: true,
  }),
  def("policy", ["v1", "v1beta1"], "PodDisruptionBudget", "poddisruptionbudgets", true, {
    shortNames: ["pdb"],
    statusSubresource: true,
  }),
  def("policy", ["v1beta1"], "PodSecurityPolicy", "podsecuritypolicies", false, { shortNames: ["psp"] }),
  def("autoscaling", ["v2", "v1"], "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, {
    shortNames: ["hpa"],
    statusSubresource: true,
  }),
  def("storage.k8s.io", ["v1"], "StorageClass", "storageclasses", false, { shortNames: ["sc"] }),
  def("apiextensions.k8s.io", ["v1"], "CustomResourceDefinition", "customresourcedefinitions", false, {
    shortNames: ["crd", "crds"],
    statusSubresource: true,
  }),
  def("authorization.k8s.io", ["v1"], "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, {
    review: true,
  }),
];

/** Group/versions a current (v1.32) apiserver serves by default. */
export const DEFAULT_SERVED_VERSIONS: readonly string[] = [
  "v1",
  "apps/v1",
  "batch/v1",
  "networking.k8s.io/v1",
  "policy/v1",
  "autoscaling/v2",
  "autoscaling/v1",
  "storage.k8s.io/v1",
  "apiextensions.k8s.io/v1",
  "authorization.k8s.io/v1",
];

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Key of a resource's storage, independent of version. */
export function resourceKey(def: ResourceDef): string {
  return `${def.group}/${def.plural}`;
}
