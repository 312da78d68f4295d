// ChangeResourceRecordSets semantics: a batch is validated change by change against a working copy of the
// zone, and is applied only if every change is valid. One problem anywhere rejects the whole batch
// (InvalidChangeBatch, all messages listed); nothing in the zone changes.

import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { compareSets, describeSet, isInZone, setKey, storedName } from "./names.js";
import type { ChangeInput } from "./parse.js";

export type BatchOutcome =
  | { ok: true; records: ResourceRecordSet[]; effective: boolean }
  | { ok: false; code: "InvalidChangeBatch" | "InvalidInput"; messages: string[] };

const TYPES = new Set([
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DS",
  "HTTPS",
  "MX",
  "NAPTR",
  "NS",
  "PTR",
  "SOA",
  "SPF",
  "SRV",
  "SSHFP",
  "SVCB",
  "TLSA",
  "TXT",
]);

/** What Route 53 stores: the name lower-cased and fully qualified, alias DNS names likewise. */
export function normalizeSet(rs: ResourceRecordSet): ResourceRecordSet {
  const out: ResourceRecordSet = { ...rs, Name: storedName(rs.Name ?? "") };
  if (rs.AliasTarget) {
    out.AliasTarget = { ...rs.AliasTarget, DNSName: storedName(rs.AliasTarget.DNSName ?? "") };
  }
  return out;
}

/** Stable JSON of a record set, with record values sorted (DELETE matches values regardless of order). */
export function contentOf(rs: ResourceRecordSet, sortValues: boolean): string {
  const n = normalizeSet(rs);
  const values = (n.ResourceRecords ?? []).map((r) => r.Value ?? "");
  if (sortValues) values.sort();
  const entries = Object.entries({ ...n, ResourceRecords: n.ResourceRecords ? values : undefined })
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

function where(action: string, rs: ResourceRecordSet): string {
  return `Change with [Action=${action}, Name=${rs.Name}, Type=${rs.Type}, SetIdentifier=${rs.SetIdentifier ?? "null"}]`;
}

/** Problems Route 53 reports as InvalidInput: the change is malformed whatever the zone holds. */
function malformed(action: string, rs: ResourceRecordSet): string | undefined {
  if (!["CREATE", "DELETE", "UPSERT"].includes(action)) {
    return `Invalid request: Invalid value '${action}' for Action in ${where(action, rs)}`;
  }
  if (!TYPES.has(rs.Type ?? ""))
    return `Invalid request: Invalid value '${rs.Type}' for Type in ${where(action, rs)}`;
  const hasRecords = rs.TTL !== undefined && rs.ResourceRecords !== undefined;
  if (rs.AliasTarget !== undefined && (rs.TTL !== undefined || rs.ResourceRecords !== undefined)) {
    return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in ${where(action, rs)}`;
  }
  if (rs.AliasTarget === undefined && !hasRecords) {
    return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in ${where(action, rs)}`;
  }
  if (rs.ResourceRecords !== undefined && rs.ResourceRecords.length === 0) {
    return `Invalid request: ResourceRecords must contain at least one ResourceRecord in ${where(action, rs)}`;
  }
  const routed =
    rs.Weight !== undefined ||
    rs.Region !== undefined ||
    rs.Failover !== undefined ||
    rs.GeoLocation !== undefined ||
    rs.MultiValueAnswer !== undefined;
  if (routed && rs.SetIdentifier === undefined)
    return `Invalid request: Missing field 'SetIdentifier' in ${where(action, rs)}`;
  if (!routed && rs.SetIdentifier !== undefined) {
    return `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in ${where(action, rs)}`;
  }
  if (rs.Weight !== undefined && (rs.Weight < 0 || rs.Weight > 255)) {
    return `Invalid request: Weight must be between 0 and 255 in ${where(action, rs)}`;
  }
  return undefined;
}

/** Name-level rules checked against the zone as the batch has changed it so far. */
function conflicts(zoneName: string, working: ResourceRecordSet[], rs: ResourceRecordSet): string[] {
  const name = rs.Name ?? "";
  const zone = storedName(zoneName);
  const key = setKey(rs);
  const others = working.filter((w) => w.Name === name && setKey(w) !== key);
  const out: string[] = [];
  if (rs.Type === "CNAME" && name === zone)
    out.push(`RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone}`);
  if (rs.Type === "CNAME" && (rs.ResourceRecords?.length ?? 0) > 1) {
    out.push(
      `RRSet of type CNAME with DNS name ${name} has more than one value; a CNAME can have only one value`,
    );
  }
  if (rs.Type === "CNAME" && others.some((o) => o.Type !== "CNAME")) {
    out.push(
      `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone}`,
    );
  } else if (rs.Type !== "CNAME" && others.some((o) => o.Type === "CNAME")) {
    out.push(
      `RRSet of type ${rs.Type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone}`,
    );
  }
  const sameType = others.filter((o) => o.Type === rs.Type);
  if (rs.SetIdentifier !== undefined && sameType.some((o) => o.SetIdentifier === undefined)) {
    out.push(
      `RRSet with DNS name ${name}, type ${rs.Type}, SetIdentifier ${rs.SetIdentifier} cannot be created as a non-weighted set exists with the same name and type.`,
    );
  } else if (rs.SetIdentifier === undefined && sameType.some((o) => o.SetIdentifier !== undefined)) {
    out.push(
      `RRSet with DNS name ${name}, type ${rs.Type} cannot be created as weighted sets exist with the same name and type.`,
    );
  }
  return out;
}

export function applyBatch(
  zoneName: string,
  records: ResourceRecordSet[],
  changes: ChangeInput[],
): BatchOutcome {
  for (const c of changes) {
    const problem = malformed(c.action, c.set);
    if (problem) return { ok: false, code: "InvalidInput", messages: [problem] };
  }
  const working = records.map((r) => ({ ...r }));
  const messages: string[] = [];
  for (const change of changes) {
    const rs = normalizeSet(change.set);
    if (!isInZone(rs.Name ?? "", zoneName)) {
      messages.push(`RRSet with DNS name ${rs.Name} is not permitted in zone ${storedName(zoneName)}`);
      continue;
    }
    const idx = working.findIndex((w) => setKey(w) === setKey(rs));
    if (change.action === "DELETE") {
      if (idx < 0)
        messages.push(`Tried to delete resource record set ${describeSet(rs)} but it was not found`);
      else if (contentOf(working[idx]!, true) !== contentOf(rs, true)) {
        messages.push(
          `Tried to delete resource record set ${describeSet(rs)} but the values provided do not match the current values`,
        );
      } else working.splice(idx, 1);
      continue;
    }
    if (change.action === "CREATE" && idx >= 0) {
      messages.push(`Tried to create resource record set ${describeSet(rs)} but it already exists`);
      continue;
    }
    const problems = conflicts(zoneName, working, rs);
    if (problems.length > 0) {
      messages.push(...problems);
      continue;
    }
    if (idx >= 0) working[idx] = rs;
    else working.push(rs);
  }
  if (messages.length > 0) return { ok: false, code: "InvalidChangeBatch", messages };
  working.sort(compareSets);
  const before = records.map((r) => contentOf(r, false)).join("\n");
  const after = working.map((r) => contentOf(r, false)).join("\n");
  return { ok: true, records: working, effective: before !== after };
}
