// Reading Kubernetes objects as plain data. Typed client models and custom objects are both walked
// through these helpers, so rules stay functions of data and never trust a shape they did not check.

export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asRecord(v: unknown): Rec {
  return isRecord(v) ? v : {};
}

export function getIn(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function getString(obj: unknown, path: readonly string[]): string | undefined {
  const v = getIn(obj, path);
  return typeof v === "string" ? v : undefined;
}

export function getNumber(obj: unknown, path: readonly string[]): number | undefined {
  const v = getIn(obj, path);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function getBool(obj: unknown, path: readonly string[]): boolean | undefined {
  const v = getIn(obj, path);
  return typeof v === "boolean" ? v : undefined;
}

export function getArray(obj: unknown, path: readonly string[]): unknown[] {
  const v = getIn(obj, path);
  return Array.isArray(v) ? v : [];
}

export function getStringMap(obj: unknown, path: readonly string[]): Record<string, string> {
  const v = getIn(obj, path);
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/** A timestamp field as epoch ms: typed models carry Date, raw JSON carries RFC 3339 strings. */
export function getTime(obj: unknown, path: readonly string[]): number | undefined {
  const v = getIn(obj, path);
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** RFC 3339 with second precision, as metav1.Time is written on the wire. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface ObjectRef {
  namespace: string;
  name: string;
}

export function refOf(obj: unknown): ObjectRef {
  return {
    namespace: getString(obj, ["metadata", "namespace"]) ?? "",
    name: getString(obj, ["metadata", "name"]) ?? "",
  };
}

export function refString(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function labelsOf(obj: unknown): Record<string, string> {
  return getStringMap(obj, ["metadata", "labels"]);
}

export function itemsOf(list: unknown): unknown[] {
  return getArray(list, ["items"]);
}

/** Caps a subject list for a finding, saying how many were left out. */
export function capSubjects(subjects: readonly string[], max = 20): string[] {
  const sorted = [...subjects].sort();
  if (sorted.length <= max) return sorted;
  return [...sorted.slice(0, max), `… and ${sorted.length - max} more`];
}
