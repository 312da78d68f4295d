// Patch bodies: JSON merge patch (RFC 7386), strategic merge patch (for the fields that matter here),
// and JSON patch (RFC 6902).

import { clone, isObject, type JsonObject, type JsonValue, jsonEqual } from "./types.js";

export class PatchError extends Error {
  /** "bad" = malformed patch (400); "failed" = could not apply, e.g. a failed test (422). */
  constructor(
    readonly kind: "bad" | "failed",
    message: string,
  ) {
    super(message);
  }
}

// ------------------------------------------------------------------ merge patch

export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

// ------------------------------------------------------------------ strategic merge patch

/** patchMergeKey of list fields in the built-in types (by field name). */
const MERGE_KEYS: Record<string, string | ((item: JsonObject) => string)> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  conditions: "type",
  ownerReferences: "uid",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  ports: (item) => ("containerPort" in item ? "containerPort" : "port"),
};

/** Primitive lists merged as sets. */
const SET_LISTS = new Set(["finalizers"]);

function mergeKeyOf(field: string, item: JsonObject): string | undefined {
  const k = MERGE_KEYS[field];
  return typeof k === "function" ? k(item) : k;
}

export function strategicMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === "delete") return {};
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === "$patch" || key === "$retainKeys") continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(value))
        out[field] = cur.filter((x) => !value.some((v) => jsonEqual(v, x)));
      continue;
    }
    if (key.startsWith("$setElementOrder/")) continue;
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, out[key], value);
    } else {
      out[key] = strategicMergePatch(out[key], value);
    }
  }
  return out;
}

function mergeList(field: string, current: JsonValue | undefined, patch: JsonValue[]): JsonValue[] {
  const cur = Array.isArray(current) ? current : [];
  if (SET_LISTS.has(field)) {
    const out = [...cur];
    for (const v of patch) if (!out.some((x) => jsonEqual(x, v))) out.push(clone(v));
    return out;
  }
  const first = patch.find(isObject);
  const mergeKey = first ? mergeKeyOf(field, first) : undefined;
  if (!mergeKey) {
    if (patch.length === 1 && isObject(patch[0]) && patch[0].$patch === "replace") return [];
    return clone(patch);
  }
  const out: JsonValue[] = cur.map((x) => clone(x));
  for (const item of patch) {
    if (!isObject(item)) continue;
    if (item.$patch === "replace")
      return patch.filter((p) => !(isObject(p) && p.$patch === "replace")).map(clone);
    const keyValue = item[mergeKey];
    const idx = out.findIndex((x) => isObject(x) && jsonEqual(x[mergeKey], keyValue));
    if (item.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item);
    else out.push(strategicMergePatch(undefined, item));
  }
  return out;
}

// ------------------------------------------------------------------ JSON patch (RFC 6902)

export type JsonPatchOp =
  | { op: "add" | "replace" | "test"; path: string; value: JsonValue }
  | { op: "remove"; path: string }
  | { op: "move" | "copy"; from: string; path: string };

export function parseJsonPatch(body: JsonValue): JsonPatchOp[] {
  if (!Array.isArray(body))
    throw new PatchError("bad", "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  return body.map((raw, i) => {
    if (!isObject(raw)) throw new PatchError("bad", `invalid JSON patch operation at index ${i}`);
    const op = raw.op;
    const path = raw.path;
    if (typeof path !== "string") throw new PatchError("bad", `missing path in operation ${i}`);
    switch (op) {
      case "add":
      case "replace":
      case "test":
        if (!("value" in raw) || raw.value === undefined)
          throw new PatchError("bad", `missing value in operation ${i}`);
        return { op, path, value: raw.value };
      case "remove":
        return { op, path };
      case "move":
      case "copy":
        if (typeof raw.from !== "string") throw new PatchError("bad", `missing from in operation ${i}`);
        return { op, from: raw.from, path };
      default:
        throw new PatchError("bad", `Unexpected kind: ${String(op)}`);
    }
  });
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError("bad", `JSON pointer must start with '/': "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = JsonObject | JsonValue[];

function resolveParent(doc: JsonValue, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: JsonValue = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(cur)
      ? cur[Number(t)]
      : isObject(cur)
        ? cur[t]
        : undefined;
    if (next === undefined) throw new PatchError("failed", `doc is missing path: "${path}": missing value`);
    cur = next;
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError("failed", `doc is missing path: "${path}"`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function getPointer(doc: JsonValue, path: string): JsonValue {
  let cur: JsonValue | undefined = doc;
  for (const t of parsePointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new PatchError("failed", `doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function arrayIndex(arr: JsonValue[], key: string, forInsert: boolean, path: string): number {
  if (forInsert && key === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key))
    throw new PatchError("failed", `invalid array index "${key}" in "${path}"`);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i >= arr.length)) {
    throw new PatchError("failed", `Unable to access invalid index: ${i}: invalid index referenced`);
  }
  return i;
}

function addAt(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, clone(value));
  else parent[key] = clone(value);
  return doc;
}

function removeAt(doc: JsonValue, path: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError("failed", "cannot remove the whole document");
  const { parent, key } = resolveParent(doc, tokens, path);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, key, false, path), 1);
  } else {
    if (!(key in parent))
      throw new PatchError("failed", `Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch(document: JsonValue, ops: JsonPatchOp[]): JsonValue {
  let doc = clone(document);
  for (const op of ops) {
    switch (op.op) {
      case "add":
        doc = addAt(doc, op.path, op.value);
        break;
      case "remove":
        doc = removeAt(doc, op.path);
        break;
      case "replace":
        if (op.path === "") {
          doc = clone(op.value);
          break;
        }
        getPointer(doc, op.path);
        doc = removeAt(doc, op.path);
        doc = addAt(doc, op.path, op.value);
        break;
      case "test":
        if (!jsonEqual(getPointer(doc, op.path), op.value)) {
          throw new PatchError("failed", `testing value ${op.path} failed: test failed`);
        }
        break;
      case "move": {
        const v = getPointer(doc, op.from);
        doc = removeAt(doc, op.from);
        doc = addAt(doc, op.path, v);
        break;
      }
      case "copy":
        doc = addAt(doc, op.path, getPointer(doc, op.from));
        break;
    }
  }
  return doc;
}
