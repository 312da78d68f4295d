// JSON shapes shared by the Kubernetes API test host. Objects are plain JSON, as on the wire.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export interface OwnerReference extends JsonObject {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta extends JsonObject {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: JsonObject[];
}

export interface KubeObject extends JsonObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: JsonObject;
  status?: JsonObject;
}

export type Verb = "get" | "list" | "create" | "update" | "patch" | "delete" | "deletecollection";

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value if it is a JSON object, else an empty object. */
export function asObject(v: JsonValue | undefined): JsonObject {
  return isObject(v) ? v : {};
}

/** Reads a nested value (`path` of keys); undefined when any step is missing or not an object. */
export function getIn(obj: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Sets a nested value, creating intermediate objects. */
export function setIn(obj: JsonObject, path: readonly string[], value: JsonValue | undefined): void {
  let cur: JsonObject = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = cur[key];
    if (isObject(next)) {
      cur = next;
    } else {
      const created: JsonObject = {};
      cur[key] = created;
      cur = created;
    }
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

export function getString(obj: JsonValue | undefined, path: readonly string[]): string | undefined {
  const v = getIn(obj, path);
  return typeof v === "string" ? v : undefined;
}

export function getNumber(obj: JsonValue | undefined, path: readonly string[]): number | undefined {
  const v = getIn(obj, path);
  return typeof v === "number" ? v : undefined;
}

export function getBool(obj: JsonValue | undefined, path: readonly string[]): boolean | undefined {
  const v = getIn(obj, path);
  return typeof v === "boolean" ? v : undefined;
}

export function getStringArray(obj: JsonValue | undefined, path: readonly string[]): string[] {
  const v = getIn(obj, path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function getStringMap(obj: JsonValue | undefined, path: readonly string[]): Record<string, string> {
  const v = getIn(obj, path);
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

export function clone<T extends JsonValue | KubeObject>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of two JSON values (key order ignored, undefined members ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 3339 with second precision, like metav1.Time on the wire. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? "";
}

export function namespaceOf(obj: KubeObject): string | undefined {
  return obj.metadata?.namespace;
}
