// Parses a ChangeResourceRecordSetsRequest body (as the SDK sends it) into plain record sets.

import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { XMLParser } from "fast-xml-parser";

export interface ChangeInput {
  action: string;
  set: ResourceRecordSet;
}

export interface ChangeRequest {
  comment?: string;
  changes: ChangeInput[];
}

/** The body could not be read as a change batch; Route 53 answers InvalidInput. */
export class MalformedRequest extends Error {}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  htmlEntities: true,
  isArray: (name) => name === "Change" || name === "ResourceRecord",
});

type Node = Record<string, unknown>;

function obj(v: unknown): Node | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Node) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function int(v: unknown, field: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s.trim()))
    throw new MalformedRequest(`Invalid XML ; ${field} '${s}' is not a valid value for 'long'`);
  return Number(s.trim());
}

function bool(v: unknown): boolean | undefined {
  const s = str(v)?.trim();
  return s === undefined ? undefined : s === "true";
}

function recordSet(n: Node): ResourceRecordSet {
  const rs: ResourceRecordSet = {
    Name: str(n.Name) ?? "",
    Type: (str(n.Type) ?? "") as ResourceRecordSet["Type"],
  };
  const setId = str(n.SetIdentifier);
  if (setId !== undefined) rs.SetIdentifier = setId;
  const weight = int(n.Weight, "Weight");
  if (weight !== undefined) rs.Weight = weight;
  const region = str(n.Region);
  if (region !== undefined) rs.Region = region as ResourceRecordSet["Region"];
  const failover = str(n.Failover);
  if (failover !== undefined) rs.Failover = failover as ResourceRecordSet["Failover"];
  const geo = obj(n.GeoLocation);
  if (geo) {
    rs.GeoLocation = {};
    if (str(geo.ContinentCode)) rs.GeoLocation.ContinentCode = str(geo.ContinentCode);
    if (str(geo.CountryCode)) rs.GeoLocation.CountryCode = str(geo.CountryCode);
    if (str(geo.SubdivisionCode)) rs.GeoLocation.SubdivisionCode = str(geo.SubdivisionCode);
  }
  const mva = bool(n.MultiValueAnswer);
  if (mva !== undefined) rs.MultiValueAnswer = mva;
  const ttl = int(n.TTL, "TTL");
  if (ttl !== undefined) rs.TTL = ttl;
  const records = obj(n.ResourceRecords);
  if (records) {
    const list = Array.isArray(records.ResourceRecord) ? records.ResourceRecord : [];
    rs.ResourceRecords = list.map((r) => ({ Value: str(obj(r)?.Value) ?? "" }));
  }
  const alias = obj(n.AliasTarget);
  if (alias) {
    rs.AliasTarget = {
      HostedZoneId: str(alias.HostedZoneId) ?? "",
      DNSName: str(alias.DNSName) ?? "",
      EvaluateTargetHealth: bool(alias.EvaluateTargetHealth) ?? false,
    };
  }
  const hc = str(n.HealthCheckId);
  if (hc !== undefined) rs.HealthCheckId = hc;
  const tp = str(n.TrafficPolicyInstanceId);
  if (tp !== undefined) rs.TrafficPolicyInstanceId = tp;
  return rs;
}

export function parseChangeRequest(body: string): ChangeRequest {
  let doc: Node;
  try {
    doc = parser.parse(body) as Node;
  } catch (err) {
    throw new MalformedRequest(`Invalid XML ; ${(err as Error).message}`);
  }
  const batch = obj(obj(doc.ChangeResourceRecordSetsRequest)?.ChangeBatch);
  if (!batch)
    throw new MalformedRequest("ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest");
  const list = obj(batch.Changes)?.Change;
  if (!Array.isArray(list) || list.length === 0) {
    throw new MalformedRequest("Invalid XML ; The content of element 'Changes' is not complete.");
  }
  const changes = list.map((c) => {
    const n = obj(c) ?? {};
    const set = obj(n.ResourceRecordSet);
    if (!set) throw new MalformedRequest("Invalid XML ; Change is missing ResourceRecordSet");
    return { action: str(n.Action) ?? "", set: recordSet(set) };
  });
  const comment = str(batch.Comment);
  return comment === undefined ? { changes } : { comment, changes };
}
