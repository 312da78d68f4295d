// What the apiserver does to an object on create and update, besides validation: server-set metadata,
// generation, status/spec separation and immutable fields.

import { randomUUID } from "node:crypto";
import { invalidValue } from "./causes.js";
import { invalid } from "./errors.js";
import type { ResourceDef } from "./resources.js";
import {
  clone,
  getIn,
  isObject,
  type JsonObject,
  jsonEqual,
  type KubeObject,
  type ObjectMeta,
  rfc3339,
} from "./types.js";

/** Kinds whose metadata.generation the apiserver maintains. */
const GENERATION_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "CronJob",
  "Job",
  "Ingress",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
  "CustomResourceDefinition",
  "PodSecurityPolicy",
]);

export function tracksGeneration(def: ResourceDef): boolean {
  return def.crd !== undefined || GENERATION_KINDS.has(def.kind);
}

const SERVER_FIELDS = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "deletionTimestamp",
  "generation",
  "selfLink",
  "managedFields",
];

/** Who wrote an object, through which group/version: becomes a metadata.managedFields entry. */
export interface WriteOrigin {
  manager: string;
  apiVersion: string;
  subresource?: string;
}

/** Upserts the managedFields entry of (manager, operation, subresource), like the apiserver does. */
export function recordManager(
  meta: ObjectMeta,
  origin: WriteOrigin,
  now: number,
  operation: "Update" | "Apply" = "Update",
): void {
  const list = Array.isArray(meta.managedFields) ? meta.managedFields.filter(isObject) : [];
  const entry: JsonObject = {
    manager: origin.manager,
    operation,
    apiVersion: origin.apiVersion,
    time: rfc3339(now),
    fieldsType: "FieldsV1",
    fieldsV1: {},
  };
  if (origin.subresource) entry.subresource = origin.subresource;
  const idx = list.findIndex(
    (m) => m.manager === origin.manager && m.operation === operation && m.subresource === origin.subresource,
  );
  if (idx >= 0) list[idx] = entry;
  else list.push(entry);
  meta.managedFields = list;
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

export function generatedSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

/** The parts of an object that bump generation: spec, or for custom resources everything but metadata/status. */
function generationPart(def: ResourceDef, obj: KubeObject): JsonObject {
  if (def.crd) {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
    return rest;
  }
  return { spec: obj.spec };
}

export function prepareCreate(
  def: ResourceDef,
  body: KubeObject,
  now: number,
  resourceVersion: string,
  origin?: WriteOrigin,
): KubeObject {
  const obj = clone(body);
  const meta: ObjectMeta = isObject(obj.metadata) ? obj.metadata : {};
  for (const f of SERVER_FIELDS) delete meta[f];
  if (origin) recordManager(meta, origin, now);
  meta.uid = randomUUID();
  meta.resourceVersion = resourceVersion;
  meta.creationTimestamp = rfc3339(now);
  if (tracksGeneration(def)) meta.generation = 1;
  obj.metadata = meta;
  if (def.statusSubresource && def.kind !== "Namespace") delete obj.status;
  return obj;
}

export type UpdateScope = "main" | "status";

/**
 * Merges an incoming update with the stored object: keeps server-set metadata, separates spec from
 * status per subresource, bumps generation. Returns undefined when nothing changed (no new revision).
 */
export function prepareUpdate(
  def: ResourceDef,
  old: KubeObject,
  incoming: KubeObject,
  scope: UpdateScope,
): KubeObject | undefined {
  let next: KubeObject;
  if (scope === "status") {
    next = clone(old);
    if (incoming.status === undefined) delete next.status;
    else next.status = clone(incoming.status);
  } else {
    next = clone(incoming);
    if (def.statusSubresource) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
  }
  const meta: ObjectMeta = isObject(next.metadata) ? next.metadata : {};
  const oldMeta = old.metadata ?? {};
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  meta.namespace = oldMeta.namespace;
  meta.name = oldMeta.name;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  meta.resourceVersion = oldMeta.resourceVersion;
  if (old.metadata?.managedFields !== undefined) meta.managedFields = clone(old.metadata.managedFields);
  else delete meta.managedFields;
  delete meta.selfLink;
  if (tracksGeneration(def)) meta.generation = oldMeta.generation ?? 1;
  else delete meta.generation;
  next.metadata = meta;
  carryAllocatedValues(def, old, next);
  const oldComparable = { ...old, apiVersion: undefined, kind: undefined };
  const nextComparable = { ...next, apiVersion: undefined, kind: undefined };
  if (jsonEqual(oldComparable, nextComparable)) return undefined;
  if (tracksGeneration(def) && !jsonEqual(generationPart(def, old), generationPart(def, next))) {
    meta.generation = (oldMeta.generation ?? 1) + 1;
  }
  return next;
}

/** Service clusterIP / nodePorts left out of an update keep their allocated values, as in the apiserver. */
function carryAllocatedValues(def: ResourceDef, old: KubeObject, next: KubeObject): void {
  if (def.kind !== "Service" || !isObject(next.spec) || !isObject(old.spec)) return;
  for (const f of ["clusterIP", "clusterIPs"])
    if (next.spec[f] === undefined && old.spec[f] !== undefined) next.spec[f] = clone(old.spec[f]);
  const oldPorts = old.spec.ports;
  const newPorts = next.spec.ports;
  if (Array.isArray(oldPorts) && Array.isArray(newPorts)) {
    for (const p of newPorts) {
      if (!isObject(p) || p.nodePort !== undefined) continue;
      const match = oldPorts.find((o) => isObject(o) && o.port === p.port && o.nodePort !== undefined);
      if (isObject(match)) p.nodePort = match.nodePort;
    }
  }
}

/** Fields the apiserver refuses to change on update. */
export function checkImmutable(def: ResourceDef, old: KubeObject, next: KubeObject): void {
  const immutable: string[][] = [];
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(def.kind))
    immutable.push(["spec", "selector"]);
  if (def.kind === "Job") immutable.push(["spec", "selector"], ["spec", "completions"]);
  if (def.kind === "Service") immutable.push(["spec", "clusterIP"]);
  if (def.kind === "CustomResourceDefinition") immutable.push(["spec", "group"], ["spec", "names", "plural"]);
  if (def.kind === "PersistentVolumeClaim")
    immutable.push(["spec", "storageClassName"], ["spec", "volumeName"]);
  const causes = [];
  for (const path of immutable) {
    const before = getIn(old, path);
    const after = getIn(next, path);
    if (before !== undefined && !jsonEqual(before, after)) {
      causes.push(invalidValue(path.join("."), after, "field is immutable"));
    }
  }
  if (causes.length > 0) throw invalid(def.group, def.kind, old.metadata?.name ?? "", causes);
}
