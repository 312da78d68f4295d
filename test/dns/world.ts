// A Route 53 test host with one zone, an environment config, and the real adapter talking to it over HTTP.

import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { type Route53Host, startRoute53Host } from "@hikkoshi/test-hosts/route53";
import { environmentSchema } from "../../src/config/schema.js";
import { createRoute53Traffic, type Route53TrafficOptions } from "../../src/dns/index.js";
import { fromSnapshot } from "../../src/dns/route53/snapshot.js";
import type { DnsSnapshot, EnvContext, TrafficPort, TrafficSplit } from "../../src/migration/ports.js";

export const SRC = "old-lb-1234.eu-central-1.elb.amazonaws.com";
export const TGT = "new-lb-5678.eu-central-1.elb.amazonaws.com";
export const OLD = "production-20251101";
export const NEW = "production-20261125";
export const ELB_ZONE = "Z215JYRZR1TBD5";

export const FAST = {
  retry: { baseDelayMs: 2, maxDelayMs: 10, requestsPerSecond: 2000, maxAttempts: 8 },
  poll: { pollMs: 3, maxPollMs: 10 },
} satisfies Route53TrafficOptions;

export function cname(name: string, value: string, ttl = 300): ResourceRecordSet {
  return { Name: name, Type: "CNAME", TTL: ttl, ResourceRecords: [{ Value: value }] };
}

export function weighted(
  name: string,
  id: string,
  weight: number,
  value: string,
  ttl = 300,
): ResourceRecordSet {
  return { ...cname(name, value, ttl), SetIdentifier: id, Weight: weight };
}

export function alias(name: string, type: "A" | "AAAA", lb: string): ResourceRecordSet {
  return {
    Name: name,
    Type: type,
    AliasTarget: { HostedZoneId: ELB_ZONE, DNSName: `dualstack.${lb}.`, EvaluateTargetHealth: true },
  };
}

export function txt(name: string, value: string): ResourceRecordSet {
  return { Name: name, Type: "TXT", TTL: 300, ResourceRecords: [{ Value: value }] };
}

export interface EnvOptions {
  hostedZone?: string;
  records?: string[];
  strategy?: { type: "cnameSwap" } | { type: "weighted"; steps?: number[] };
  targetHostname?: string | undefined;
  sourceHostname?: string | undefined;
}

export function envContext(o: EnvOptions = {}): EnvContext {
  const env = environmentSchema.parse({
    channel: "C0PRODMIGR",
    permissions: {},
    clusters: [
      {
        name: OLD,
        context: "old",
        ingress:
          o.sourceHostname === undefined && "sourceHostname" in o
            ? {}
            : { hostname: o.sourceHostname ?? SRC },
      },
      {
        name: NEW,
        context: "new",
        ingress: o.targetHostname === undefined ? {} : { hostname: o.targetHostname },
      },
    ],
    dns: {
      hostedZone: o.hostedZone ?? "example.com.",
      records: o.records ?? ["www.example.com", "api.example.com"],
      strategy: o.strategy ?? { type: "cnameSwap" },
      changeTimeoutSeconds: 5,
    },
  });
  return {
    migrationId: "production-20261125-1",
    envName: "production",
    env,
    source: env.clusters[0]!,
    target: env.clusters[1]!,
  };
}

export interface World {
  host: Route53Host;
  zoneId: string;
  traffic: TrafficPort;
  /** Another port on the same host, with caches of its own: what a second process (a worker) would have. */
  newPort(opts?: Route53TrafficOptions): TrafficPort;
  close(): Promise<void>;
}

/** The adapter, as hikkoshi builds it, pointed at the host (fast retries and polls unless `opts` says). */
export function portFor(host: Route53Host, opts: Route53TrafficOptions = {}): TrafficPort {
  return createRoute53Traffic({
    clientConfig: {
      endpoint: host.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
    },
    ...FAST,
    ...opts,
  });
}

/** Host + zone example.com. + filler records + the given fixture records. */
/** Worlds started and not yet closed: a test file runs `afterEach(closeWorlds)`. */
const open = new Set<World>();

export async function closeWorlds(): Promise<void> {
  const worlds = [...open];
  open.clear();
  await Promise.all(worlds.map((w) => w.close()));
}

export async function startWorld(
  records: ResourceRecordSet[],
  opts: Route53TrafficOptions = {},
  insyncDelayMs = 10,
): Promise<World> {
  const host = await startRoute53Host({ insyncDelayMs });
  const zoneId = host.createZone({ name: "example.com." });
  host.putRecordSets(zoneId, [
    cname("docs.example.com", "docs.example.net"),
    { Name: "example.com", Type: "MX", TTL: 3600, ResourceRecords: [{ Value: "10 mail.example.com." }] },
    ...records,
  ]);
  const traffic = portFor(host, opts);
  const world: World = {
    host,
    zoneId,
    traffic,
    newPort: (o = opts) => portFor(host, o),
    close: () => host.close(),
  };
  open.add(world);
  return world;
}

/** The zone exactly as ListResourceRecordSets returns it on the wire (all pages), for byte comparisons. */
export async function zoneBytes(host: Route53Host, zoneId: string): Promise<string> {
  const url = `${host.endpoint}/2013-04-01/hostedzone/${zoneId}/rrset?maxitems=300`;
  const res = await fetch(url, { headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIDTEST/test" } });
  const body = await res.text();
  if (res.status !== 200 || body.includes("<IsTruncated>true</IsTruncated>"))
    throw new Error(`list failed: ${res.status}`);
  return body;
}

/** The record sets at one name, as the host holds them. */
export function at(host: Route53Host, zoneId: string, name: string): ResourceRecordSet[] {
  const n = name.endsWith(".") ? name : `${name}.`;
  return host.recordSets(zoneId).filter((r) => r.Name === n);
}

/** The split that sends `weight` percent from the source's load balancer to the target's. */
export function toTarget(weight: number): TrafficSplit {
  return { sourceHostname: SRC, targetHostname: TGT, weight };
}

/** The Route 53 record sets inside the port's opaque snapshot. */
export function recordSetsOf(snapshot: DnsSnapshot): ResourceRecordSet[] {
  return fromSnapshot(snapshot).recordSets;
}

export function zoneOf(snapshot: DnsSnapshot): string {
  return fromSnapshot(snapshot).hostedZoneId;
}

/** Requests the host answered, by operation, GetChange polls left out (their number is Route 53's pace). */
export function nonPollRequests(host: Route53Host): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(host.counters.requests)) if (op !== "GetChange" && n > 0) out[op] = n;
  return out;
}
