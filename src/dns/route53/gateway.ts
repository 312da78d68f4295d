// The only file that sends requests to Route 53 (through @aws-sdk/client-route-53): zone lookup by name, range
// reads of record sets with pagination, one change batch, and waiting for INSYNC. Every request waits for
// the pacer's token buckets; reads are retried here, change batches by the caller (it re-reads first).

import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { PermanentDnsError } from "../errors.js";
import { Route53Pacer } from "./pacing.js";
import { fqdn, type RecordSet } from "./records.js";
import { type RetryListener, type RetryOptions, sleep, withRetry } from "./retry.js";

export interface ZoneRef {
  id: string;
  name: string;
}

export interface PollOptions {
  /** First GetChange interval; grows by half each poll up to `maxPollMs`. */
  pollMs: number;
  maxPollMs: number;
}

const ZONE_ID = /^(\/hostedzone\/)?(Z[A-Z0-9]+)$/;
/** Record sets per ListResourceRecordSets page when listing a whole zone (Route 53's maximum). */
const ZONE_PAGE = 300;
/** The size noted for a zone whose first page was not all of it: read name by name. */
const LARGE_ZONE = Number.MAX_SAFE_INTEGER;
/** A zone read whole is never more than this many pages (readNames reads it whole only when it is small). */
const MAX_ZONE_PAGES = 1000;

/** Where a ListResourceRecordSets page starts (Route 53's Next* fields of the page before). */
interface PageStart {
  name?: string | undefined;
  type?: string | undefined;
  identifier?: string | undefined;
}

export class Route53Gateway {
  private readonly pacer: Route53Pacer;
  private readonly zones = new Map<string, ZoneRef>();
  /** Record sets per zone, as last seen: decides whether listing the whole zone is the cheaper read. */
  private readonly sizes = new Map<string, number>();
  /** Zone names (the apex, first in a listing from the zone's start), for zones given by id. */
  private readonly apexes = new Map<string, string>();

  constructor(
    private readonly client: Route53Client,
    private readonly retry: RetryOptions,
    private readonly poll: PollOptions,
    private readonly pageSize: number,
    private readonly onRetry?: RetryListener,
  ) {
    this.pacer = new Route53Pacer(retry.pacing);
  }

  private async call<T>(op: string, zoneId: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(
        { op, zoneId },
        fn,
        this.retry,
        { take: () => this.pacer.take(op) },
        this.onRetry,
      );
    } catch (err) {
      // A zone deleted since it was resolved: the next use looks it up again.
      if (zoneId && err instanceof PermanentDnsError && err.code === "NoSuchHostedZone") this.forget(zoneId);
      throw err;
    }
  }

  private forget(zoneId: string): void {
    for (const [hostedZone, z] of this.zones) if (z.id === zoneId) this.zones.delete(hostedZone);
    this.sizes.delete(zoneId);
    this.apexes.delete(zoneId);
  }

  /** `example.com.` or `Z0123…` → the zone; PermanentDnsError (code NoSuchHostedZone) if none or ambiguous. */
  async resolveZone(hostedZone: string): Promise<ZoneRef> {
    const cached = this.zones.get(hostedZone);
    if (cached) return cached;
    const byId = ZONE_ID.exec(hostedZone.trim());
    let zone: ZoneRef;
    if (byId) {
      // Not looked up: the first read of the zone answers NoSuchHostedZone if it does not exist, and its
      // first page names the zone and says whether it is small (readNames), for one request less.
      const id = byId[2]!;
      zone = { id, name: this.apexes.get(id) ?? "" };
    } else {
      const name = fqdn(hostedZone);
      const out = await this.call("ListHostedZonesByName", undefined, () =>
        this.client.send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 100 })),
      );
      const matches = (out.HostedZones ?? []).filter((z) => fqdn(z.Name ?? "") === name);
      const fix = "set dns.hostedZone to the zone id (Z…) shown in the Route 53 console";
      if (matches.length === 0) {
        throw new PermanentDnsError(
          `no hosted zone is named ${name} in this account`,
          fix,
          "NoSuchHostedZone",
        );
      }
      if (matches.length > 1) {
        const list = matches.map(
          (z) =>
            `${(z.Id ?? "").replace("/hostedzone/", "")} (${z.Config?.PrivateZone ? "private" : "public"})`,
        );
        throw new PermanentDnsError(
          `${matches.length} hosted zones are named ${name}: ${list.join(", ")}`,
          fix,
          "NoSuchHostedZone",
        );
      }
      zone = { id: (matches[0]!.Id ?? "").replace("/hostedzone/", ""), name };
      this.noteSize(zone.id, matches[0]!.ResourceRecordSetCount);
    }
    this.zones.set(hostedZone, zone);
    return zone;
  }

  /** The zone `hostedZone` resolved to in this process, if it did. */
  cachedZone(hostedZone: string): ZoneRef | undefined {
    return this.zones.get(hostedZone);
  }

  /** A zone resolved elsewhere (a stored read): later requests use it without looking it up again. */
  seedZone(hostedZone: string, zone: ZoneRef, size: number | undefined): void {
    if (!this.zones.has(hostedZone)) this.zones.set(hostedZone, zone);
    if (!this.sizes.has(zone.id)) this.noteSize(zone.id, size);
  }

  /** Record sets in the zone as last seen, if known. */
  sizeOf(zoneId: string): number | undefined {
    return this.sizes.get(zoneId);
  }

  /** The zone's name, when a lookup or a listing from the zone's start has shown it. */
  zoneName(zoneId: string): string | undefined {
    return this.apexes.get(zoneId);
  }

  private noteApex(zoneId: string, sets: readonly RecordSet[] | undefined): void {
    const first = sets?.[0]?.Name;
    if (first !== undefined && !this.apexes.has(zoneId)) this.apexes.set(zoneId, fqdn(first));
  }

  /** Every record set at `name` (of `type`, when given), following pagination while the name matches. */
  async readName(zoneId: string, name: string, type?: string): Promise<RecordSet[]> {
    const n = fqdn(name);
    const out: RecordSet[] = [];
    let start: PageStart = {
      name: n,
      type,
      identifier: undefined,
    };
    for (;;) {
      const page = await this.listPage(zoneId, start, this.pageSize);
      for (const rs of page.ResourceRecordSets ?? []) {
        if (fqdn(rs.Name ?? "") !== n || (type !== undefined && rs.Type !== type)) return out;
        out.push(rs);
      }
      if (!page.IsTruncated || page.NextRecordName === undefined || fqdn(page.NextRecordName) !== n)
        return out;
      start = { name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier };
    }
  }

  /** One page of the zone's listing, from `start` (the zone's beginning when empty). */
  private listPage(zoneId: string, start: PageStart, max: number) {
    return this.call("ListResourceRecordSets", zoneId, () =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as RecordSet["Type"],
          StartRecordIdentifier: start.identifier,
          MaxItems: max,
        }),
      ),
    );
  }

  private noteSize(zoneId: string, count: number | undefined): void {
    if (count !== undefined && Number.isFinite(count)) this.sizes.set(zoneId, count);
  }

  /**
   * The record sets at `names`, in as few requests as it takes: one listing of the whole zone when its
   * pages are no more than the names (a zone of up to 300 record sets is one request), one range read per
   * name otherwise (or while the zone's size is not known).
   */
  async readNames(zoneId: string, names: readonly string[]): Promise<RecordSet[]> {
    const wanted = [...new Set(names.map(fqdn))];
    const want = new Set(wanted);
    const size = this.sizes.get(zoneId);
    if (wanted.length > 1 && size === undefined) {
      // Size unknown (a zone given by id): its first page is the whole zone when it is small, at the cost
      // of one range read; otherwise it is read name by name from now on.
      const first = await this.listPage(zoneId, {}, ZONE_PAGE);
      this.noteApex(zoneId, first.ResourceRecordSets);
      if (!first.IsTruncated) {
        this.sizes.set(zoneId, first.ResourceRecordSets?.length ?? 0);
        return (first.ResourceRecordSets ?? []).filter((rs) => want.has(fqdn(rs.Name ?? "")));
      }
      this.sizes.set(zoneId, LARGE_ZONE);
    } else if (wanted.length > 1 && size !== undefined && Math.ceil(size / ZONE_PAGE) <= wanted.length) {
      return (await this.readZone(zoneId)).filter((rs) => want.has(fqdn(rs.Name ?? "")));
    }
    const out: RecordSet[] = [];
    for (const name of wanted) out.push(...(await this.readName(zoneId, name)));
    return out;
  }

  /** Every record set of the zone, ZONE_PAGE at a time (bounded by MAX_ZONE_PAGES). */
  private async readZone(zoneId: string): Promise<RecordSet[]> {
    const out: RecordSet[] = [];
    let start: PageStart = {};
    for (let page = 1; ; page++) {
      const res = await this.listPage(zoneId, start, ZONE_PAGE);
      if (page === 1) this.noteApex(zoneId, res.ResourceRecordSets);
      out.push(...(res.ResourceRecordSets ?? []));
      if (!res.IsTruncated || res.NextRecordName === undefined) break;
      if (page >= MAX_ZONE_PAGES)
        throw new Error(`Route 53 zone ${zoneId} has more than ${MAX_ZONE_PAGES * ZONE_PAGE} record sets`);
      start = { name: res.NextRecordName, type: res.NextRecordType, identifier: res.NextRecordIdentifier };
    }
    this.sizes.set(zoneId, out.length);
    return out;
  }

  /** Sends one change batch, once (rate-limited, not retried). */
  async submit(
    zoneId: string,
    changes: Change[],
    comment: string,
  ): Promise<{ id: string; submittedAt: number }> {
    await this.pacer.take("ChangeResourceRecordSets", this.pacer.weightOf(changes.map((c) => c.Action)));
    const out = await this.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: comment, Changes: changes },
      }),
    );
    return {
      id: out.ChangeInfo?.Id ?? "",
      submittedAt: out.ChangeInfo?.SubmittedAt?.getTime() ?? Date.now(),
    };
  }

  /** Polls GetChange until INSYNC; returns when it was seen. A plain Error after `timeoutMs`. */
  async waitInsync(changeId: string, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let interval = this.poll.pollMs;
    for (;;) {
      const out = await this.call("GetChange", undefined, () =>
        this.client.send(new GetChangeCommand({ Id: changeId })),
      );
      if (out.ChangeInfo?.Status === "INSYNC") return Date.now();
      if (Date.now() + interval > deadline) {
        throw new Error(
          `Route 53 change ${changeId} still ${out.ChangeInfo?.Status ?? "unknown"} after ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(interval);
      interval = Math.min(this.poll.maxPollMs, Math.ceil(interval * 1.5));
    }
  }
}
