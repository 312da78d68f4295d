// Restoring one item: Velero's metadata reset and per-kind actions, then create, or on conflict
// existingResourcePolicy (none: warn; update: overwrite the in-cluster object).

import { KubeError } from "../errors.js";
import { type ResourceDef, resourceKey } from "../resources.js";
import {
  clone,
  getString,
  getStringArray,
  isObject,
  type JsonObject,
  jsonEqual,
  type KubeObject,
} from "../types.js";
import type { VeleroContext } from "./context.js";
import { resourceNames } from "./filters.js";
import { applyModifiers, type ModifierRule } from "./modifiers.js";
import type { BackedUpItem } from "./store.js";

export interface RestoreResult {
  errors: string[];
  warnings: string[];
  /** `resource/namespace/name` of every item created or updated. */
  restored: string[];
}

export function groupResource(i: BackedUpItem): string {
  return i.group ? `${i.resource}.${i.group}` : i.resource;
}

const KEEP_META = [
  "name",
  "namespace",
  "labels",
  "annotations",
  "generateName",
  "finalizers",
  "ownerReferences",
];

/** What Velero does to an item before creating it: reset metadata, drop status, per-kind actions. */
export function prepareItem(
  item: BackedUpItem,
  backupName: string,
  restoreName: string,
  keepStatus: boolean,
  nsMap: Record<string, string>,
): KubeObject {
  const obj = clone(item.object);
  const meta: JsonObject = {};
  for (const k of KEEP_META) if (obj.metadata?.[k] !== undefined) meta[k] = obj.metadata[k];
  const labels = {
    ...(obj.metadata?.labels ?? {}),
    "velero.io/backup-name": backupName,
    "velero.io/restore-name": restoreName,
  };
  meta.labels = labels;
  if (item.namespace !== undefined) meta.namespace = nsMap[item.namespace] ?? item.namespace;
  if (item.kind === "Namespace") meta.name = nsMap[item.name] ?? item.name;
  obj.metadata = meta;
  if (!keepStatus) delete obj.status;
  if (item.kind === "Service" && isObject(obj.spec)) {
    if (obj.spec.clusterIP !== "None") {
      delete obj.spec.clusterIP;
      delete obj.spec.clusterIPs;
    }
    delete obj.spec.healthCheckNodePort;
    if (Array.isArray(obj.spec.ports)) for (const p of obj.spec.ports) if (isObject(p)) delete p.nodePort;
  }
  if (item.kind === "Job" && isObject(obj.spec)) {
    delete obj.spec.selector;
    const tmplMeta =
      isObject(obj.spec.template) && isObject(obj.spec.template.metadata)
        ? obj.spec.template.metadata
        : undefined;
    if (tmplMeta && isObject(tmplMeta.labels)) {
      for (const l of [
        "controller-uid",
        "batch.kubernetes.io/controller-uid",
        "job-name",
        "batch.kubernetes.io/job-name",
      ])
        delete tmplMeta.labels[l];
    }
  }
  return obj;
}

function comparable(o: KubeObject): JsonObject {
  const { metadata, status: _s, ...rest } = o;
  const labels = { ...(metadata?.labels ?? {}) };
  delete labels["velero.io/backup-name"];
  delete labels["velero.io/restore-name"];
  return { ...rest, labels, annotations: metadata?.annotations ?? {} };
}

export function restoreItems(
  ctx: VeleroContext,
  restoreName: string,
  restore: KubeObject,
  items: BackedUpItem[],
  rules: ModifierRule[],
): RestoreResult {
  const result: RestoreResult = { errors: [], warnings: [], restored: [] };
  const backupName = getString(restore, ["spec", "backupName"]) ?? "";
  const policy = getString(restore, ["spec", "existingResourcePolicy"]) ?? "none";
  const statusFor = getStringArray(restore, ["spec", "restoreStatus", "includedResources"]);
  const nsMap: Record<string, string> = {};
  const rawMap = restore.spec?.namespaceMapping;
  if (isObject(rawMap)) for (const [k, v] of Object.entries(rawMap)) if (typeof v === "string") nsMap[k] = v;
  const reg = ctx.api.registry;
  for (const item of items) {
    const label = `${groupResource(item)}/${item.namespace ? `${item.namespace}/` : ""}${item.name}`;
    const def = reg.byGroupKind(item.group, item.kind);
    const injected = ctx.inject().restoreItemError?.({
      group: item.group,
      resource: item.resource,
      namespace: item.namespace,
      name: item.name,
    });
    if (injected) {
      result.errors.push(`error restoring ${label}: ${injected}`);
      continue;
    }
    if (!def || !reg.servedVersions(def).includes(item.version)) {
      result.errors.push(
        `error restoring ${label}: the server could not find the requested resource (${item.group ? `${item.group}/` : ""}${item.version} ${item.kind})`,
      );
      continue;
    }
    const keepStatus = statusFor.some((r) => r === "*" || resourceNames(def).includes(r));
    let obj: KubeObject;
    try {
      obj = applyModifiers(rules, def, prepareItem(item, backupName, restoreName, keepStatus, nsMap));
    } catch (e) {
      result.errors.push(
        `error restoring ${label}: error applying resource modifiers: ${e instanceof Error ? e.message : String(e)}`,
      );
      continue;
    }
    const namespace = obj.metadata?.namespace;
    try {
      if (namespace && def.kind !== "Namespace") ensureNamespace(ctx, namespace);
      restoreOne(ctx, def, item.version, obj, keepStatus, policy, label, result);
    } catch (e) {
      result.errors.push(
        `error restoring ${label}: ${e instanceof KubeError ? (e.status.message ?? e.message) : String(e)}`,
      );
    }
  }
  return result;
}

function ensureNamespace(ctx: VeleroContext, name: string): void {
  if (ctx.api.store.has("/namespaces", undefined, name)) return;
  const def = ctx.api.registry.byKey("/namespaces");
  if (def) ctx.api.create({ def, version: "v1" }, { metadata: { name } });
}

function restoreOne(
  ctx: VeleroContext,
  def: ResourceDef,
  version: string,
  obj: KubeObject,
  keepStatus: boolean,
  policy: string,
  label: string,
  result: RestoreResult,
): void {
  const name = obj.metadata?.name ?? "";
  const namespace = def.namespaced ? obj.metadata?.namespace : undefined;
  const t = { def, version, namespace, name };
  const existing = ctx.api.store.get(resourceKey(def), namespace, name);
  if (!existing) {
    const created = ctx.api.create({ def, version, namespace }, obj);
    if (keepStatus && obj.status && def.statusSubresource) {
      ctx.api.update({ ...t, subresource: "status" }, { ...created, status: obj.status });
    }
    result.restored.push(label);
    return;
  }
  if (def.kind === "Namespace" || jsonEqual(comparable(existing), comparable(obj))) {
    result.restored.push(label);
    return;
  }
  if (policy !== "update") {
    result.warnings.push(
      `could not restore, ${def.kind} "${name}" already exists. Warning: the in-cluster version is different than the backed-up version`,
    );
    result.restored.push(label);
    return;
  }
  // existingResourcePolicy: update: the in-cluster object becomes the backed-up one (server fields kept).
  const merged: KubeObject = {
    ...obj,
    metadata: {
      ...obj.metadata,
      resourceVersion: existing.metadata?.resourceVersion,
      uid: existing.metadata?.uid,
    },
  };
  if (existing.status) merged.status = existing.status;
  try {
    ctx.api.update(t, merged);
    result.restored.push(label);
  } catch (e) {
    result.warnings.push(
      `could not update existing resource ${label}: ${e instanceof KubeError ? (e.status.message ?? e.message) : String(e)}`,
    );
  }
}
