// Direct fixture access to a host's objects: no HTTP, no faults, no validation. For arranging a world
// and asserting on it; server-set metadata and defaults are still applied, status is kept as given.

import type { KubeApi } from "./api.js";
import { applyDefaults } from "./defaults.js";
import { prepareCreate, prepareUpdate, recordManager } from "./lifecycle.js";
import { groupVersion, type ResourceDef, resourceKey, splitApiVersion } from "./resources.js";
import { clone, type KubeObject } from "./types.js";

export interface ObjectAccess {
  /** Creates or replaces (upsert). Namespaces are created on demand. Returns the stored object. */
  put(obj: KubeObject): KubeObject;
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
  /** Read-modify-write of one object (e.g. set a status), bumping resourceVersion. */
  update(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    fn: (o: KubeObject) => void,
  ): KubeObject;
}

export function createObjectAccess(api: KubeApi): ObjectAccess {
  const { store, registry } = api;

  const defOf = (apiVersion: string, kind: string): ResourceDef => {
    const { group } = splitApiVersion(apiVersion);
    const def = registry.byGroupKind(group, kind);
    if (!def) throw new Error(`unknown kind ${kind} in ${apiVersion} (is its CRD installed?)`);
    return def;
  };

  const storageForm = (def: ResourceDef, obj: KubeObject): KubeObject => ({
    ...obj,
    apiVersion: groupVersion(def.group, def.versions[0]!),
    kind: def.kind,
  });

  const access: ObjectAccess = {
    put(input) {
      const def = defOf(input.apiVersion ?? "", input.kind ?? "");
      const obj = clone(input);
      const ns = def.namespaced ? (obj.metadata?.namespace ?? "default") : undefined;
      obj.metadata = { ...(obj.metadata ?? {}) };
      if (ns === undefined) delete obj.metadata.namespace;
      else obj.metadata.namespace = ns;
      if (ns !== undefined && !store.has("/namespaces", undefined, ns)) {
        access.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      }
      const status = obj.status;
      applyDefaults(def.kind, obj);
      if (status !== undefined) obj.status = status;
      const name = obj.metadata.name ?? "";
      // Fixtures are "applied with kubectl" through the apiVersion they are written in.
      const origin = { manager: "kubectl", apiVersion: input.apiVersion ?? "" };
      const old = store.get(resourceKey(def), ns, name);
      if (def.kind === "CustomResourceDefinition") registry.registerCrd(obj);
      let next: KubeObject;
      if (old) {
        const merged = prepareUpdate(def, old, obj, "main");
        if (!merged) return old;
        if (obj.status !== undefined) merged.status = clone(obj.status);
        recordManager(merged.metadata ?? {}, origin, api.options.clock.now());
        merged.metadata = { ...merged.metadata, resourceVersion: store.nextResourceVersion() };
        next = merged;
      } else {
        const keepStatus = obj.status;
        next = prepareCreate(def, obj, api.options.clock.now(), store.nextResourceVersion(), origin);
        if (keepStatus !== undefined) next.status = keepStatus;
        if (def.kind === "Namespace" && next.status === undefined) next.status = { phase: "Active" };
      }
      store.write(resourceKey(def), storageForm(def, next));
      return store.get(resourceKey(def), ns, name)!;
    },
    get(apiVersion, kind, name, namespace) {
      const def = defOf(apiVersion, kind);
      return store.get(resourceKey(def), def.namespaced ? (namespace ?? "default") : undefined, name);
    },
    list(apiVersion, kind, namespace) {
      return store.list(resourceKey(defOf(apiVersion, kind)), namespace);
    },
    delete(apiVersion, kind, name, namespace) {
      const def = defOf(apiVersion, kind);
      const obj = store.get(resourceKey(def), def.namespaced ? (namespace ?? "default") : undefined, name);
      if (!obj) return false;
      api.removeObject(def, obj);
      return true;
    },
    update(apiVersion, kind, name, namespace, fn) {
      const def = defOf(apiVersion, kind);
      const key = resourceKey(def);
      const ns = def.namespaced ? (namespace ?? "default") : undefined;
      const obj = store.get(key, ns, name);
      if (!obj) throw new Error(`${kind} ${ns ? `${ns}/` : ""}${name} not found`);
      fn(obj);
      obj.metadata = { ...obj.metadata, resourceVersion: store.nextResourceVersion() };
      store.write(key, storageForm(def, obj));
      return store.get(key, ns, name)!;
    },
  };
  return access;
}
