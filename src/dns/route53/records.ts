// Pure functions over Route 53 record sets: names, identity, canonical form and the diff that turns the
// records as they are into the records as they should be (one atomic change batch).

import type { Change, ResourceRecordSet } from "@aws-sdk/client-route-53";

export type RecordSet = ResourceRecordSet;

/** The record types that carry traffic to a cluster; hikkoshi reads, changes and restores only these. */
export const TRAFFIC_TYPES: ReadonlySet<string> = new Set(["CNAME", "A", "AAAA"]);

/** `WWW.example.com` → `www.example.com.`, `*.example.com` → `\052.example.com.` (Route 53's spelling). */
export function fqdn(name: string): string {
  let n = name.trim().toLowerCase();
  if (!n.endsWith(".")) n += ".";
  return n.replace(/^\*\./, "\\052.");
}

/** The names as one set: fully qualified, each once, sorted (two reads of the same names compare equal). */
export function nameSet(names: readonly string[]): string[] {
  return [...new Set(names.map(fqdn))].sort();
}

/** `www.example.com.` → `www.example.com` for messages. */
export function displayName(name: string): string {
  return fqdn(name)
    .replace(/\.$/, "")
    .replace(/^\\052\./, "*.");
}

/** Identity of a record set in a zone. */
export function setKey(rs: RecordSet): string {
  return `${fqdn(rs.Name ?? "")}|${rs.Type ?? ""}|${rs.SetIdentifier ?? ""}`;
}

export function isTraffic(rs: RecordSet): boolean {
  return TRAFFIC_TYPES.has(rs.Type ?? "");
}

function sortedValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortedValue(v);
    }
    return out;
  }
  return value;
}

/** JSON with keys sorted and absent fields dropped: two record sets are the same iff these strings are. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortedValue(value));
}

export function sameSet(a: RecordSet, b: RecordSet): boolean {
  return canonical(a) === canonical(b);
}

/** Record sets in a stable order (by identity), for comparing lists. */
export function sortSets(sets: readonly RecordSet[]): RecordSet[] {
  return [...sets].sort((a, b) => (setKey(a) < setKey(b) ? -1 : setKey(a) > setKey(b) ? 1 : 0));
}

export function sameSets(a: readonly RecordSet[], b: readonly RecordSet[]): boolean {
  return canonical(sortSets(a)) === canonical(sortSets(b));
}

/**
 * The changes that turn `current` into `desired` (both: every managed set of the names concerned). Sets that
 * must go are DELETEd with their exact current values; sets that are new or differ are UPSERTed. Deletions
 * come first so that a simple record can be replaced by weighted ones (or back) in the same batch.
 */
export function diffSets(current: readonly RecordSet[], desired: readonly RecordSet[]): Change[] {
  const want = new Map(desired.map((rs) => [setKey(rs), rs]));
  const have = new Map(current.map((rs) => [setKey(rs), rs]));
  const deletes: Change[] = [];
  const upserts: Change[] = [];
  for (const [key, rs] of have) if (!want.has(key)) deletes.push({ Action: "DELETE", ResourceRecordSet: rs });
  for (const [key, rs] of want) {
    const old = have.get(key);
    if (!old || !sameSet(old, rs)) upserts.push({ Action: "UPSERT", ResourceRecordSet: rs });
  }
  return [...deletes, ...upserts];
}

/**
 * The same change as `diffSets`, guarded: every set that differs is DELETEd with its exact `current`
 * values and CREATEd anew, and a new set is CREATEd. Route 53 refuses the batch (InvalidChangeBatch,
 * nothing applied) when `current` is no longer what the zone holds, so `current` may be an earlier read.
 */
export function guardedChanges(current: readonly RecordSet[], desired: readonly RecordSet[]): Change[] {
  const have = new Map(current.map((rs) => [setKey(rs), rs]));
  const deletes: Change[] = [];
  const creates: Change[] = [];
  for (const c of diffSets(current, desired)) {
    const rs = c.ResourceRecordSet!;
    if (c.Action === "DELETE") {
      deletes.push(c);
      continue;
    }
    const old = have.get(setKey(rs));
    if (old) deletes.push({ Action: "DELETE", ResourceRecordSet: old });
    creates.push({ Action: "CREATE", ResourceRecordSet: rs });
  }
  return [...deletes, ...creates];
}

/** The TTL resolvers may cache a set for: its TTL, or 60 s for an alias (Route 53 answers aliases to ELB with 60). */
export function cacheTtl(rs: RecordSet): number {
  return rs.TTL ?? 60;
}

/** One-line description of a change batch for logs and step summaries. */
export function describeChanges(changes: readonly Change[]): string {
  return changes
    .map((c) => {
      const rs = c.ResourceRecordSet;
      const id = rs?.SetIdentifier === undefined ? "" : `[${rs.SetIdentifier}]`;
      const w = rs?.Weight === undefined ? "" : ` w=${rs.Weight}`;
      return `${c.Action} ${displayName(rs?.Name ?? "")} ${rs?.Type}${id}${w}`;
    })
    .join("; ");
}
