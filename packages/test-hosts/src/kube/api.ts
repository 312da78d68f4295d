// REST semantics of the apiserver, independent of HTTP: the HTTP router and the simulated controllers
// (Velero restore, CronJob controller) both go through here, so they see the same rules.

import { applyPatchDocument, crdStatus, decodePatch, managerName, patchTypeOf } from "./api-patch.js";
import { type DenyRule, reviewAccess } from "./authz.js";
import type { Clock } from "./clock.js";
import { applyDefaults } from "./defaults.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  KubeError,
  notFound,
  pathNotFound,
  type StatusBody,
  successStatus,
} from "./errors.js";
import {
  checkImmutable,
  generatedSuffix,
  prepareCreate,
  prepareUpdate,
  recordManager,
  type UpdateScope,
  type WriteOrigin,
} from "./lifecycle.js";
import { type ListOptions, listEnvelope, selectPage } from "./list.js";
import type { ResourceRegistry } from "./registry.js";
import { groupVersion, type ResourceDef, resourceKey } from "./resources.js";
import { fromScale, toScale } from "./scale.js";
import type { ObjectStore } from "./store.js";
import { isObject, type JsonValue, type KubeObject } from "./types.js";
import { validateObject } from "./validation.js";

export interface Target {
  def: ResourceDef;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: "status" | "scale";
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Client User-Agent; its product part names the field manager when `fieldManager` is not given. */
  userAgent?: string;
}

export type DeletePropagation = "Background" | "Foreground" | "Orphan";

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: DeletePropagation;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeApiOptions {
  clock: Clock;
  cronSeconds: boolean;
  denyRules: DenyRule[];
}

export class KubeApi {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    readonly options: KubeApiOptions,
  ) {}

  /** Sets apiVersion/kind for the version the client asked for. */
  present(def: ResourceDef, version: string, obj: KubeObject): KubeObject {
    return { apiVersion: groupVersion(def.group, version), kind: def.kind, ...obj };
  }

  private stored(t: Target): KubeObject {
    const obj = this.store.get(resourceKey(t.def), t.def.namespaced ? t.namespace : undefined, t.name ?? "");
    if (!obj) throw notFound(t.def.group, t.def.plural, t.name ?? "");
    return obj;
  }

  get(t: Target): KubeObject {
    const obj = this.stored(t);
    if (t.subresource === "scale") return toScale(t.def, obj);
    return this.present(t.def, t.version, obj);
  }

  list(t: Target, opts: ListOptions): KubeObject {
    const all = this.store.list(resourceKey(t.def), t.def.namespaced ? t.namespace : undefined);
    const page = selectPage(t.def, all, this.store.resourceVersion, opts);
    const builtin = t.def.crd === undefined;
    const items = page.items.map((o) => {
      if (!builtin) return this.present(t.def, t.version, o);
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    return listEnvelope(t.def, groupVersion(t.def.group, t.version), { ...page, items });
  }

  create(t: Target, body: JsonValue, opts: WriteOptions = {}): KubeObject {
    const { def } = t;
    if (!isObject(body)) throw badRequest("Object 'Kind' is missing in request body");
    const obj: KubeObject = { ...body };
    const wantApiVersion = groupVersion(def.group, t.version);
    if (typeof obj.apiVersion === "string" && obj.apiVersion !== wantApiVersion) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${wantApiVersion})`,
      );
    }
    if (typeof obj.kind === "string" && obj.kind !== def.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
    }
    if (def.review) return reviewAccess(this.options.denyRules, obj);
    const meta = isObject(obj.metadata) ? { ...obj.metadata } : {};
    obj.metadata = meta;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== t.namespace) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = t.namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generatedSuffix()}`;
    if (!meta.name) {
      throw invalid(def.group, def.kind, "", [
        {
          reason: "FieldValueRequired",
          message: "Required value: name or generateName is required",
          field: "metadata.name",
        },
      ]);
    }
    applyDefaults(def.kind, obj);
    validateObject(obj, { def, version: t.version, cronSeconds: this.options.cronSeconds });
    if (def.namespaced && !this.store.has("/namespaces", undefined, meta.namespace ?? "")) {
      throw notFound("", "namespaces", meta.namespace ?? "");
    }
    const key = resourceKey(def);
    if (this.store.has(key, meta.namespace, meta.name)) throw alreadyExists(def.group, def.plural, meta.name);
    const now = this.options.clock.now();
    if (opts.dryRun)
      return this.present(def, t.version, prepareCreate(def, obj, now, this.store.resourceVersion));
    if (def.kind === "CustomResourceDefinition") this.registry.registerCrd(obj);
    const origin = { manager: managerName(opts.fieldManager, opts.userAgent), apiVersion: wantApiVersion };
    const created = prepareCreate(def, obj, now, this.store.nextResourceVersion(), origin);
    if (def.kind === "Namespace") created.status = { phase: "Active" };
    if (def.kind === "CustomResourceDefinition") created.status = crdStatus(created, now);
    this.store.write(key, {
      ...created,
      apiVersion: groupVersion(def.group, def.versions[0]!),
      kind: def.kind,
    });
    return this.get({ ...t, name: meta.name, namespace: meta.namespace });
  }

  update(t: Target, body: JsonValue, opts: WriteOptions = {}): KubeObject {
    const { def } = t;
    if (!isObject(body)) throw badRequest("Object 'Kind' is missing in request body");
    const old = this.stored(t);
    const incomingMeta = isObject(body.metadata) ? body.metadata : {};
    const wantApiVersion = groupVersion(def.group, t.version);
    if (!t.subresource && typeof body.apiVersion === "string" && body.apiVersion !== wantApiVersion) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${wantApiVersion})`,
      );
    }
    if (!t.subresource && typeof body.kind === "string" && body.kind !== def.kind) {
      throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`);
    }
    if (t.subresource === "scale") {
      return this.writeUpdate(
        t,
        old,
        fromScale(def, old, body),
        "main",
        opts,
        String(incomingMeta.resourceVersion ?? ""),
      );
    }
    if (incomingMeta.name !== undefined && incomingMeta.name !== t.name) {
      throw badRequest(
        `the name of the object (${String(incomingMeta.name)}) does not match the name on the URL (${t.name ?? ""})`,
      );
    }
    const rv = typeof incomingMeta.resourceVersion === "string" ? incomingMeta.resourceVersion : "";
    return this.writeUpdate(t, old, { ...body }, t.subresource === "status" ? "status" : "main", opts, rv);
  }

  private writeUpdate(
    t: Target,
    old: KubeObject,
    incoming: KubeObject,
    scope: UpdateScope,
    opts: WriteOptions,
    rv: string,
  ): KubeObject {
    const { def } = t;
    if (rv && rv !== old.metadata?.resourceVersion) throw conflict(def.group, def.plural, t.name ?? "");
    const next = prepareUpdate(def, old, incoming, scope);
    if (!next) return t.subresource === "scale" ? toScale(def, old) : this.present(def, t.version, old);
    if (scope === "main") {
      applyDefaults(def.kind, next);
      checkImmutable(def, old, next);
    }
    validateObject(next, { def, version: t.version, cronSeconds: this.options.cronSeconds });
    if (def.kind === "CustomResourceDefinition" && !opts.dryRun) this.registry.registerCrd(next);
    if (!opts.dryRun) {
      const origin: WriteOrigin = {
        manager: managerName(opts.fieldManager, opts.userAgent),
        apiVersion: groupVersion(def.group, t.version),
      };
      if (t.subresource) origin.subresource = t.subresource;
      recordManager(next.metadata ?? {}, origin, this.options.clock.now());
      next.metadata = { ...next.metadata, resourceVersion: this.store.nextResourceVersion() };
      this.store.write(resourceKey(def), {
        ...next,
        apiVersion: groupVersion(def.group, def.versions[0]!),
        kind: def.kind,
      });
    }
    return t.subresource === "scale" ? toScale(def, next) : this.present(def, t.version, next);
  }

  patch(t: Target, contentType: string, rawBody: string, opts: WriteOptions = {}): KubeObject {
    const type = patchTypeOf(contentType);
    const patchBody = decodePatch(type, rawBody, opts.fieldManager);
    let old: KubeObject;
    try {
      old = this.get(t);
    } catch (e) {
      if (
        type === "apply" &&
        isObject(patchBody) &&
        e instanceof KubeError &&
        e.code === 404 &&
        !t.subresource
      ) {
        const metadata = { ...(isObject(patchBody.metadata) ? patchBody.metadata : {}), name: t.name };
        return this.create(t, { ...patchBody, metadata }, opts);
      }
      throw e;
    }
    const patched = applyPatchDocument(t.def, t.name ?? "", type, old, patchBody);
    const patchedMeta = isObject(patched.metadata) ? patched.metadata : {};
    const rv = typeof patchedMeta.resourceVersion === "string" ? patchedMeta.resourceVersion : "";
    const oldStored = this.stored(t);
    if (t.subresource === "scale") {
      return this.writeUpdate(t, oldStored, fromScale(t.def, oldStored, patched), "main", opts, rv);
    }
    if (patchedMeta.name !== t.name) throw badRequest("metadata.name cannot be changed by a patch");
    return this.writeUpdate(t, oldStored, patched, t.subresource === "status" ? "status" : "main", opts, rv);
  }

  delete(t: Target, opts: DeleteOptions = {}): KubeObject | StatusBody {
    const { def } = t;
    if (t.subresource) throw pathNotFound();
    const old = this.stored(t);
    const pre = opts.preconditions;
    const failed = (field: string, wanted: string, actual: string | undefined) =>
      conflict(
        def.group,
        def.plural,
        t.name ?? "",
        `Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${actual ?? ""}`,
      );
    if (pre?.uid && pre.uid !== old.metadata?.uid) throw failed("UID", pre.uid, old.metadata?.uid);
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata?.resourceVersion)
      throw failed("ResourceVersion", pre.resourceVersion, old.metadata?.resourceVersion);
    if (!opts.dryRun) this.removeObject(def, old, opts.propagationPolicy ?? "Background");
    return successStatus(def.group, def.plural, t.name ?? "", old.metadata?.uid);
  }

  /** Removes an object and what it owns (namespace contents, custom resources of a CRD, dependents). */
  removeObject(def: ResourceDef, obj: KubeObject, propagation: DeletePropagation = "Background"): void {
    const name = obj.metadata?.name ?? "";
    const namespace = obj.metadata?.namespace;
    if (!this.store.remove(resourceKey(def), def.namespaced ? namespace : undefined, name)) return;
    this.store.nextResourceVersion();
    if (def.kind === "Namespace") {
      for (const d of this.registry.all()) {
        if (!d.namespaced) continue;
        for (const o of this.store.list(resourceKey(d), name)) this.removeObject(d, o, "Background");
      }
    }
    if (def.kind === "CustomResourceDefinition") {
      const crdDef = this.registry.unregisterCrd(name);
      if (crdDef) this.store.dropResource(resourceKey(crdDef));
    }
    if (propagation !== "Orphan") this.collectDependents(obj.metadata?.uid);
  }

  private collectDependents(uid: string | undefined): void {
    if (!uid) return;
    for (const d of this.registry.all()) {
      const owned = this.store.filter(
        resourceKey(d),
        (o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid) ?? false,
      );
      for (const o of owned) this.removeObject(d, o, "Background");
    }
  }
}
