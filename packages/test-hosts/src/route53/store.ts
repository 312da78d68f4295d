// The hosted zones and changes the Route 53 test host serves: record sets kept in Route 53's list order,
// changes that move from PENDING to INSYNC after a delay, and direct fixture access that skips validation.

import { randomBytes } from "node:crypto";
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { applyBatch, type BatchOutcome, normalizeSet } from "./batch.js";
import { comparePosition, compareSets, positionOf, reversedName, storedName } from "./names.js";
import type { ChangeInput } from "./parse.js";

export interface ZoneState {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  records: ResourceRecordSet[];
}

export interface ChangeState {
  id: string;
  zoneId: string;
  submittedAt: Date;
  insyncAt: number;
  comment?: string;
  changes: ChangeInput[];
  effective: boolean;
}

export interface CreateZoneOptions {
  name: string;
  id?: string;
  privateZone?: boolean;
  comment?: string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export class Route53Store {
  readonly zones = new Map<string, ZoneState>();
  readonly changes = new Map<string, ChangeState>();

  /** A new zone holds its apex SOA and NS records, as in Route 53. */
  createZone(opts: CreateZoneOptions): ZoneState {
    const name = storedName(opts.name);
    const id = opts.id ?? randomId("Z", 19);
    const ns = [
      "ns-101.awsdns-12.com.",
      "ns-1200.awsdns-22.org.",
      "ns-700.awsdns-23.net.",
      "ns-1800.awsdns-40.co.uk.",
    ];
    const zone: ZoneState = {
      id,
      name,
      callerReference: randomId("ref-", 12),
      privateZone: opts.privateZone ?? false,
      records: [
        { Name: name, Type: "NS", TTL: 172800, ResourceRecords: ns.map((Value) => ({ Value })) },
        {
          Name: name,
          Type: "SOA",
          TTL: 900,
          ResourceRecords: [{ Value: `${ns[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
        },
      ],
    };
    if (opts.comment !== undefined) zone.comment = opts.comment;
    this.zones.set(id, zone);
    return zone;
  }

  /** Fixture access: puts record sets as given (replacing same name/type/identifier), with no validation. */
  putRecordSets(zoneId: string, sets: ResourceRecordSet[]): void {
    const zone = this.mustZone(zoneId);
    for (const raw of sets) {
      const rs = normalizeSet(raw);
      const i = zone.records.findIndex((r) => comparePosition(positionOf(r), positionOf(rs)) === 0);
      if (i >= 0) zone.records[i] = rs;
      else zone.records.push(rs);
    }
    zone.records.sort(compareSets);
  }

  /** Fixture access: removes every record set at `name` (of `type`, when given). */
  removeRecordSets(zoneId: string, name: string, type?: string): void {
    const zone = this.mustZone(zoneId);
    const n = storedName(name);
    zone.records = zone.records.filter((r) => !(r.Name === n && (type === undefined || r.Type === type)));
  }

  mustZone(zoneId: string): ZoneState {
    const zone = this.zones.get(zoneId);
    if (!zone) throw new Error(`no hosted zone ${zoneId}`);
    return zone;
  }

  /** Zones in ListHostedZonesByName order (reversed name, then id), starting at (dnsName, zoneId). */
  zonesFrom(dnsName: string | undefined, zoneId: string | undefined): ZoneState[] {
    const all = [...this.zones.values()].sort((a, b) =>
      reversedName(a.name) < reversedName(b.name)
        ? -1
        : reversedName(a.name) > reversedName(b.name)
          ? 1
          : a.id < b.id
            ? -1
            : 1,
    );
    if (dnsName === undefined) return all;
    const start = reversedName(dnsName);
    return all.filter((z) => {
      const r = reversedName(z.name);
      return r > start || (r === start && (zoneId === undefined || z.id >= zoneId));
    });
  }

  /** One page of ListResourceRecordSets, starting at the first set at or after the given position. */
  listPage(
    zoneId: string,
    start: { name?: string; type?: string; identifier?: string },
    maxItems: number,
  ): { sets: ResourceRecordSet[]; next?: ResourceRecordSet } {
    const zone = this.mustZone(zoneId);
    const from = zone.records.filter(
      (r) =>
        start.name === undefined ||
        comparePosition(positionOf(r), {
          name: start.name,
          type: start.type ?? "",
          identifier: start.identifier,
        }) >= 0,
    );
    const sets = from.slice(0, maxItems).map((r) => structuredClone(r));
    const next = from[maxItems];
    return next === undefined ? { sets } : { sets, next };
  }

  submit(
    zoneId: string,
    changes: ChangeInput[],
    comment: string | undefined,
    insyncDelayMs: number,
  ): BatchOutcome & { change?: ChangeState } {
    const zone = this.mustZone(zoneId);
    const outcome = applyBatch(zone.name, zone.records, changes);
    if (!outcome.ok) return outcome;
    zone.records = outcome.records;
    const now = Date.now();
    const change: ChangeState = {
      id: randomId("C", 13),
      zoneId,
      submittedAt: new Date(now),
      insyncAt: now + insyncDelayMs,
      changes,
      effective: outcome.effective,
    };
    if (comment !== undefined) change.comment = comment;
    this.changes.set(change.id, change);
    return { ...outcome, change };
  }

  status(change: ChangeState, now = Date.now()): "PENDING" | "INSYNC" {
    return now >= change.insyncAt ? "INSYNC" : "PENDING";
  }

  hasPendingChange(zoneId: string): boolean {
    for (const c of this.changes.values())
      if (c.zoneId === zoneId && this.status(c) === "PENDING") return true;
    return false;
  }
}
