// TrafficPort on Route 53: reads where the configured names point, snapshots them, sets TTLs and weights
// (CNAME swap or weighted steps), restores the snapshot exactly, and reads each of these back. Pure rules
// live in plan.ts, findings.ts, readBack.ts, records.ts, snapshot.ts and targets.ts; requests in
// gateway.ts (paced by pacing.ts); the change protocol in converge.ts.

import { Route53Client, type Route53ClientConfig } from "@aws-sdk/client-route-53";
import type {
  DnsChangeReport,
  DnsPointing,
  DnsRead,
  DnsSnapshot,
  EnvContext,
  TrafficPort,
  TrafficSplit,
} from "../../migration/ports.js";
import type { Finding } from "../../migration/types.js";
import { type Logger, silentLogger } from "../../runtime/logger.js";
import { PermanentDnsError } from "../errors.js";
import { Converger } from "./converge.js";
import { dnsFindings, type NameRecords, zoneNotFoundFinding } from "./findings.js";
import { type PollOptions, Route53Gateway, type ZoneRef } from "./gateway.js";
import { KnownRecords } from "./knownRecords.js";
import { shiftDesired, ttlDesired } from "./plan.js";
import { checkRestored, checkTtl, checkWeight } from "./readBack.js";
import { RECENT_READ_MAX_AGE_MS, toRead, usableRead } from "./recentRead.js";
import { displayName, fqdn, isTraffic, type RecordSet } from "./records.js";
import { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
import { fromSnapshot, toSnapshot } from "./snapshot.js";
import { type ClusterHost, describeDistribution, distribution, groupsOf } from "./targets.js";

export interface Route53TrafficOptions {
  /** A ready client. Give it `maxAttempts: 1`: retries are done here, re-reading before a change is resent. */
  client?: Route53Client;
  /** Settings for the client created here (endpoint, credentials, region...); the SDK's standard chain otherwise. */
  clientConfig?: Route53ClientConfig;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  poll?: Partial<PollOptions>;
  /** MaxItems per ListResourceRecordSets page (Route 53 allows up to 300). */
  pageSize?: number;
}

/**
 * A client with the SDK's standard credential chain and endpoint settings (AWS_ENDPOINT_URL_ROUTE_53 /
 * AWS_ENDPOINT_URL). Route 53 is global: the region only picks the signing region, us-east-1 unless set.
 */
export function createRoute53Client(config: Route53ClientConfig = {}): Route53Client {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  return new Route53Client({ region, maxAttempts: 1, ...config });
}

const OWNERSHIP_PREFIXES = ["cname-", "a-", "aaaa-"];

export function createRoute53Traffic(opts: Route53TrafficOptions = {}): TrafficPort {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...opts.retry };
  const poll: PollOptions = { pollMs: 2000, maxPollMs: 10_000, ...opts.poll };
  const log = opts.logger ?? silentLogger;
  const client = opts.client ?? createRoute53Client(opts.clientConfig);
  const gw = new Route53Gateway(client, retry, poll, opts.pageSize ?? 100, (info) =>
    log.warn(info, "route53 request retried"),
  );
  const known = new KnownRecords();
  const converger = new Converger(gw, retry, log, known);

  const timeoutMs = (ctx: EnvContext) => ctx.env.dns.changeTimeoutSeconds * 1000;
  const zoneOf = (ctx: EnvContext) => gw.resolveZone(ctx.env.dns.hostedZone);
  /** A read of the names' traffic sets; the last one is what the next change is built from. */
  const trafficSets = async (zoneId: string, names: readonly string[]) => {
    const sets = (await gw.readNames(zoneId, names)).filter(isTraffic);
    known.remember(zoneId, names, sets);
    return sets;
  };

  /** The snapshot's zone and traffic sets, and every name they or the config mention. */
  function restoring(ctx: EnvContext, snapshot: DnsSnapshot) {
    const { hostedZoneId, recordSets } = fromSnapshot(snapshot);
    const original = recordSets.filter(isTraffic);
    const names = [...new Set([...ctx.env.dns.records, ...original.map((s) => s.Name ?? "")].map(fqdn))];
    return { hostedZoneId, original, names };
  }

  const ownershipNames = (name: string) =>
    fqdn(name).startsWith("\\052.") ? [] : OWNERSHIP_PREFIXES.map((p) => `${p}${fqdn(name)}`);
  const setsAt = (all: readonly RecordSet[], name: string) =>
    all.filter((s) => fqdn(s.Name ?? "") === fqdn(name));

  /**
   * What preflight needs: the names and their ownership TXT names, in one read of the zone when it is
   * small (gateway.readNames). `pointing` makes the same read, so preflight can use it (`recent`).
   */
  async function readForPreflight(given: ZoneRef, hostedZone: string, names: readonly string[]) {
    const all = await gw.readNames(given.id, [...names, ...names.flatMap(ownershipNames)]);
    const takenAt = Date.now();
    // A zone given by id has its name from the read itself (gateway.readNames), when it was small.
    const zone = { id: given.id, name: given.name || (gw.zoneName(given.id) ?? "") };
    known.remember(zone.id, names, names.flatMap((n) => setsAt(all, n)).filter(isTraffic), takenAt);
    return { all, zone, read: toRead(hostedZone, zone, gw.sizeOf(zone.id), names, all, takenAt) };
  }

  function nameRecords(all: readonly RecordSet[], names: readonly string[]): NameRecords[] {
    return names.map((name) => {
      const sets = setsAt(all, name);
      const ownership = [sets, ...ownershipNames(name).map((n) => setsAt(all, n))]
        .flat()
        .filter((s) => s.Type === "TXT");
      return { name, sets, ownership };
    });
  }

  /** A stored read from `pointing`, if recent and for this zone and these names; it then stands for a read. */
  function reuse(ctx: EnvContext, recent: DnsRead | undefined) {
    const dns = ctx.env.dns;
    const r = usableRead(recent, dns.hostedZone, dns.records, Date.now());
    if (!r) return undefined;
    const cached = gw.cachedZone(dns.hostedZone);
    if (cached && cached.id !== r.zone.id) return undefined; // this process knows the zone differently
    gw.seedZone(dns.hostedZone, r.zone, r.zoneSize);
    const traffic = dns.records.flatMap((n) => setsAt(r.recordSets, n)).filter(isTraffic);
    known.remember(r.zone.id, dns.records, traffic, r.takenAt);
    return r;
  }

  function accessFinding(err: PermanentDnsError): Finding {
    return { code: "dns-access-denied", severity: "blocking", message: err.message, fix: err.fix };
  }

  return {
    async preflight(ctx, targetHostname, recent) {
      const dns = ctx.env.dns;
      let all: RecordSet[];
      let zone: ZoneRef;
      const stored = reuse(ctx, recent);
      if (stored) {
        zone = stored.zone;
        all = stored.recordSets;
      } else {
        try {
          ({ all, zone } = await readForPreflight(await zoneOf(ctx), dns.hostedZone, dns.records));
        } catch (err) {
          if (!(err instanceof PermanentDnsError)) throw err;
          // A zone deleted since it was looked up answers the read itself with NoSuchHostedZone.
          if (err.code === "NoSuchHostedZone")
            return [zoneNotFoundFinding(dns.hostedZone, ctx.envName, err.message)];
          return [accessFinding(err)];
        }
      }
      const names = nameRecords(all, dns.records);
      const host = (c: { name: string; ingress: { hostname?: string | undefined } }): ClusterHost => ({
        name: c.name,
        hostname: c.name === ctx.target.name ? (targetHostname ?? c.ingress.hostname) : c.ingress.hostname,
      });
      return dnsFindings({
        envName: ctx.envName,
        zone,
        names,
        source: host(ctx.source),
        target: host(ctx.target),
        clusters: ctx.env.clusters.map(host),
        steps: dns.strategy.type === "weighted" ? dns.strategy.steps : [100],
        lowerTtl: dns.lowerTtl,
      });
    },

    async pointing(ctx, clusters): Promise<DnsPointing> {
      const zone = await zoneOf(ctx);
      // Preflight's read (ownership names too): preflight, run moments later, uses it instead of its own.
      const { all: sets, read } = await readForPreflight(zone, ctx.env.dns.hostedZone, ctx.env.dns.records);
      const detail: string[] = [];
      const onCluster: Array<string | undefined> = [];
      const toTarget: number[] = [];
      for (const name of ctx.env.dns.records) {
        const groups = groupsOf(sets.filter((s) => fqdn(s.Name ?? "") === fqdn(name)));
        if (groups.length === 0) {
          detail.push(`${displayName(name)} → (no record)`);
          onCluster.push(undefined);
          continue;
        }
        const dists = groups.map((g) => distribution(g, clusters));
        const same = dists.every(
          (d) => JSON.stringify([...d].sort()) === JSON.stringify([...dists[0]!].sort()),
        );
        if (same) detail.push(describeDistribution(name, dists[0]!));
        else {
          groups.forEach((g, i) => {
            detail.push(`${describeDistribution(name, dists[i]!)} (${g.type})`);
          });
        }
        const full = same ? [...dists[0]!].find(([, p]) => p === 100)?.[0] : undefined;
        onCluster.push(full !== undefined && clusters.some((c) => c.name === full) ? full : undefined);
        toTarget.push(Math.min(...dists.map((d) => d.get(ctx.target.name) ?? 0)));
      }
      const first = onCluster[0];
      const result: DnsPointing = { detail, read };
      if (first !== undefined && onCluster.every((c) => c === first)) result.cluster = first;
      if (toTarget.length > 0) result.targetWeight = Math.min(...toTarget);
      return result;
    },

    async snapshot(ctx): Promise<DnsSnapshot> {
      const zone = await zoneOf(ctx);
      const names = ctx.env.dns.records;
      const sets =
        known.recall(zone.id, names, RECENT_READ_MAX_AGE_MS) ?? (await trafficSets(zone.id, names));
      return toSnapshot(zone.id, sets, Date.now());
    },

    async setTtl(ctx, ttlSeconds): Promise<DnsChangeReport> {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) {
        throw new PermanentDnsError(
          `TTL ${ttlSeconds} is not a whole number of seconds`,
          "use a TTL such as 60",
        );
      }
      const zone = await zoneOf(ctx);
      return converger.run({
        zoneId: zone.id,
        names: ctx.env.dns.records,
        desired: (current) => ttlDesired(current, ttlSeconds),
        what: `${ctx.migrationId}: TTL ${ttlSeconds} s`,
        timeoutMs: timeoutMs(ctx),
        readBack: false, // lower-ttl's and restore-ttl's verify read back (verifyTtl)
        fromKnown: true,
      });
    },

    async verifyTtl(ctx, ttlSeconds) {
      const zone = await zoneOf(ctx);
      return checkTtl(await trafficSets(zone.id, ctx.env.dns.records), ttlSeconds);
    },

    async setWeight(ctx, snapshot, split: TrafficSplit): Promise<DnsChangeReport> {
      const original = fromSnapshot(snapshot);
      const names = ctx.env.dns.records;
      const params = {
        sourceHost: split.sourceHostname,
        targetHost: split.targetHostname,
        sourceName: ctx.source.name,
        targetName: ctx.target.name,
        weight: split.weight,
      };
      return converger.run({
        zoneId: original.hostedZoneId,
        names,
        desired: (current) => shiftDesired(original.recordSets, current, names, params),
        what: `${ctx.migrationId}: ${split.weight}% to ${ctx.target.name}`,
        timeoutMs: timeoutMs(ctx),
        readBack: false, // shift-traffic's verify reads back (verifyWeight) after every change
        fromKnown: true,
      });
    },

    async verifyWeight(ctx, split) {
      const zone = await zoneOf(ctx);
      const current = await trafficSets(zone.id, ctx.env.dns.records);
      const source = { name: ctx.source.name, hostname: split.sourceHostname };
      const target = { name: ctx.target.name, hostname: split.targetHostname };
      return checkWeight(current, ctx.env.dns.records, source, target, split);
    },

    async restore(ctx, snapshot): Promise<DnsChangeReport> {
      const { hostedZoneId, original, names } = restoring(ctx, snapshot);
      return converger.run({
        zoneId: hostedZoneId,
        names,
        desired: () => original,
        what: `${ctx.migrationId}: restore records of ${new Date(snapshot.takenAt).toISOString()}`,
        timeoutMs: timeoutMs(ctx),
        readBack: true, // a compensation has no verify after it: the exact read-back is here
      });
    },

    async verifyRestored(ctx, snapshot) {
      const { hostedZoneId, original, names } = restoring(ctx, snapshot);
      return checkRestored(await trafficSets(hostedZoneId, names), original);
    },
  };
}
