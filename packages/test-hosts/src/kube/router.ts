// Maps apiserver URLs to discovery documents and REST calls on KubeApi.

import type { DeleteOptions, KubeApi, Target } from "./api.js";
import { type DenyRule, isDenied } from "./authz.js";
import {
  coreVersions,
  groupInfo,
  groupList,
  resourceList,
  type VersionInfo,
  versionDocument,
} from "./discovery.js";
import { badRequest, forbidden, methodNotAllowed, pathNotFound } from "./errors.js";
import type { RequestInfo } from "./faults.js";
import type { ListOptions } from "./list.js";
import { resourceKey } from "./resources.js";
import { getString, isObject, type JsonObject, type JsonValue } from "./types.js";

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
  userAgent?: string;
}

export interface ApiResponse {
  status: number;
  body: JsonValue | string;
  headers?: Record<string, string>;
}

export interface RouterContext {
  api: KubeApi;
  version: VersionInfo;
  address: string;
  user: string;
  /** When set, requests matching a deny rule get 403 Forbidden. */
  enforceDenyRules: boolean;
  denyRules: DenyRule[];
}

type Route =
  | { type: "doc"; doc: () => JsonValue | string | undefined }
  | { type: "resource"; target: Target; verb: string };

function verbFor(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case "GET":
      return hasName ? "get" : watch ? "watch" : "list";
    case "POST":
      return hasName ? "" : "create";
    case "PUT":
      return hasName ? "update" : "";
    case "PATCH":
      return hasName ? "patch" : "";
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return "";
  }
}

/** Resolves a request path; undefined when no such path exists. */
export function route(
  ctx: RouterContext,
  req: Pick<ApiRequest, "method" | "path" | "query">,
): Route | undefined {
  const segs = req.path.split("/").filter(Boolean);
  const reg = ctx.api.registry;
  if (req.path === "/version") return { type: "doc", doc: () => versionDocument(ctx.version) };
  if (["/healthz", "/livez", "/readyz"].includes(req.path)) return { type: "doc", doc: () => "ok" };
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api") {
    if (segs.length === 1) return { type: "doc", doc: () => coreVersions(ctx.address) };
    group = "";
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === "apis") {
    if (segs.length === 1) return { type: "doc", doc: () => groupList(reg) };
    if (segs.length === 2) return { type: "doc", doc: () => groupInfo(reg, segs[1]!) };
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return { type: "doc", doc: () => resourceList(reg, group, version) };
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const nsDef = reg.resolve(group, version, rest[2]!);
    if (nsDef?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const def = reg.resolve(group, version, rest[0]!);
  if (!def || rest.length > 3) return undefined;
  const name = rest[1];
  const sub = rest[2];
  if (sub !== undefined && !((sub === "status" && def.statusSubresource) || (sub === "scale" && def.scale)))
    return undefined;
  if (namespace !== undefined && !def.namespaced) return undefined;
  const verb = verbFor(
    req.method,
    name !== undefined,
    req.query.get("watch") === "true" || req.query.get("watch") === "1",
  );
  const target: Target = { def, version };
  if (namespace !== undefined) target.namespace = namespace;
  if (name !== undefined) target.name = name;
  if (sub === "status" || sub === "scale") target.subresource = sub;
  return { type: "resource", target, verb };
}

export function describe(ctx: RouterContext, req: ApiRequest): RequestInfo {
  const r = route(ctx, req);
  const info: RequestInfo = { method: req.method, path: req.path, verb: "discovery" };
  if (r?.type === "resource") {
    info.verb = r.verb || req.method.toLowerCase();
    info.resource = resourceKey(r.target.def);
    if (r.target.namespace) info.namespace = r.target.namespace;
    if (r.target.name) info.name = r.target.name;
    if (r.target.subresource) info.subresource = r.target.subresource;
  }
  return info;
}

function parseBody(body: string): JsonValue {
  if (!body) return null;
  try {
    return JSON.parse(body) as JsonValue;
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function listOptions(q: URLSearchParams): ListOptions {
  const opts: ListOptions = {};
  const ls = q.get("labelSelector");
  const fs = q.get("fieldSelector");
  const limit = q.get("limit");
  const cont = q.get("continue");
  if (ls) opts.labelSelector = ls;
  if (fs) opts.fieldSelector = fs;
  if (limit) opts.limit = Number(limit);
  if (cont) opts.continue = cont;
  return opts;
}

function deleteOptions(q: URLSearchParams, body: JsonValue): DeleteOptions {
  const opts: DeleteOptions = {};
  if (q.get("dryRun") === "All") opts.dryRun = true;
  const policy = q.get("propagationPolicy") ?? getString(body, ["propagationPolicy"]);
  if (policy === "Background" || policy === "Foreground" || policy === "Orphan")
    opts.propagationPolicy = policy;
  if (q.get("orphanDependents") === "true") opts.propagationPolicy = "Orphan";
  if (isObject(body) && isObject(body.preconditions)) {
    const pre: DeleteOptions["preconditions"] = {};
    const uid = getString(body, ["preconditions", "uid"]);
    const rv = getString(body, ["preconditions", "resourceVersion"]);
    if (uid) pre.uid = uid;
    if (rv) pre.resourceVersion = rv;
    opts.preconditions = pre;
  }
  return opts;
}

export function handle(ctx: RouterContext, req: ApiRequest): ApiResponse {
  const r = route(ctx, req);
  if (!r) throw pathNotFound();
  if (r.type === "doc") {
    if (req.method !== "GET") throw methodNotAllowed();
    const doc = r.doc();
    if (doc === undefined) throw pathNotFound();
    return { status: 200, body: doc };
  }
  const { target: t, verb } = r;
  if (!verb || (t.def.review && verb !== "create")) throw methodNotAllowed();
  if (verb === "watch") throw badRequest("watch is not supported by this test host; poll with list instead");
  if (ctx.enforceDenyRules) {
    const access = {
      verb,
      group: t.def.group,
      resource: t.def.plural,
      subresource: t.subresource,
      namespace: t.namespace,
      name: t.name,
    };
    if (isDenied(ctx.denyRules, access))
      throw forbidden(ctx.user, verb, t.def.group, t.def.plural, t.name, t.namespace);
  }
  const api = ctx.api;
  const q = req.query;
  const writeOpts = {
    dryRun: q.get("dryRun") === "All",
    fieldManager: q.get("fieldManager") ?? undefined,
    userAgent: req.userAgent,
  };
  switch (verb) {
    case "get":
      return { status: 200, body: api.get(t) };
    case "list":
      if (t.subresource) throw methodNotAllowed();
      return { status: 200, body: api.list(t, listOptions(q)) };
    case "create":
      if (t.subresource) throw methodNotAllowed();
      return { status: 201, body: api.create(t, parseBody(req.body), writeOpts) };
    case "update":
      return { status: 200, body: api.update(t, parseBody(req.body), writeOpts) };
    case "patch":
      return { status: 200, body: api.patch(t, req.contentType, req.body, writeOpts) };
    case "delete":
      return { status: 200, body: api.delete(t, deleteOptions(q, parseBody(req.body))) };
    case "deletecollection": {
      const list = api.list(t, listOptions(q));
      const items = Array.isArray(list.items) ? list.items : [];
      for (const item of items) {
        const name = isObject(item) ? getString(item, ["metadata", "name"]) : undefined;
        const ns = isObject(item) ? getString(item, ["metadata", "namespace"]) : undefined;
        if (name) api.delete({ ...t, name, namespace: ns }, deleteOptions(q, null));
      }
      return { status: 200, body: list as JsonObject };
    }
    default:
      throw methodNotAllowed();
  }
}
