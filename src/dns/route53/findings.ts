// Pure preflight rules for the DNS side of a migration: each rule looks at the records as read and reports a
// hazard with the fix. Nothing here talks to Route 53.

import type { Finding } from "../../migration/types.js";
import { PlanError, plannedWeights, retarget } from "./plan.js";
import { cacheTtl, displayName, type RecordSet } from "./records.js";
import {
  type ClusterHost,
  describeDistribution,
  distribution,
  type Group,
  groupsOf,
  pointsAt,
  setTarget,
} from "./targets.js";

export interface NameRecords {
  /** The configured name. */
  name: string;
  /** Every record set at the name (all types). */
  sets: RecordSet[];
  /** TXT sets at the name and at its `cname-` / `a-` / `aaaa-` prefixed names (external-dns ownership). */
  ownership: RecordSet[];
}

export interface PreflightInput {
  envName: string;
  zone: { id: string; name: string };
  names: NameRecords[];
  source: ClusterHost;
  target: ClusterHost;
  /** Every configured cluster, with the hostnames known so far. */
  clusters: ClusterHost[];
  /** Percent on the target after each step: the configured steps, or [100] for cnameSwap. */
  steps: number[];
  lowerTtl: { enabled: boolean; ttlSeconds: number };
  /** A TTL above this makes the drain take hours (default 3600 s). */
  longTtlSeconds?: number;
}

const HERITAGE = /heritage=external-dns/;
const OWNER = /external-dns\/owner=([^,"\s]+)/;

function finding(
  code: string,
  severity: Finding["severity"],
  message: string,
  fix: string,
  name: string,
): Finding {
  return { code, severity, message, fix, subjects: [displayName(name)] };
}

function hostGroupFindings(g: Group, input: PreflightInput): Finding[] {
  const out: Finding[] = [];
  const { source, target } = input;
  if (source.hostname === undefined) return out;
  const dist = distribution(g, input.clusters);
  if (dist.get(source.name) !== 100) {
    const already = dist.get(target.name) === 100;
    out.push(
      finding(
        "dns-not-on-source",
        "blocking",
        `${describeDistribution(g.name, dist)} (${g.type}): expected all traffic on the source cluster ${source.name}${already ? "; it already points at the target" : ""}`,
        already
          ? `nothing to move for ${displayName(g.name)}: remove it from dns.records or migrate from ${target.name}`
          : `point ${displayName(g.name)} at ${source.hostname} only (weight 0 for any other set), or correct clusters[].ingress.hostname`,
        g.name,
      ),
    );
  }
  const params = {
    sourceHost: source.hostname,
    targetHost: target.hostname ?? "target.invalid",
    sourceName: source.name,
    targetName: target.name,
  };
  const zero = plannedWeights(g, params, input.steps).find((s) => s.weights?.every((w) => w === 0));
  if (zero) {
    out.push(
      finding(
        "dns-weights-all-zero",
        "blocking",
        `${displayName(g.name)} ${g.type}: every weighted set has weight 0 ${zero.step === 0 ? "now (the state a rollback returns to)" : `at the ${zero.step}% step`}; Route 53 then splits traffic equally between them`,
        `give the set for ${source.name} a non-zero weight (e.g. 100) and the other sets 0 before migrating`,
        g.name,
      ),
    );
  }
  const alias = g.sets.find((s) => s.AliasTarget !== undefined && pointsAt(s, source.hostname));
  if (alias && target.hostname !== undefined) {
    try {
      retarget(alias, target.hostname);
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      out.push(finding("dns-alias-zone-unknown", "blocking", err.message, err.fix, g.name));
    }
  }
  return out;
}

function nameFindings(n: NameRecords, input: PreflightInput): Finding[] {
  const out: Finding[] = [];
  const where = input.zone.name ? `zone ${input.zone.name} (${input.zone.id})` : `zone ${input.zone.id}`;
  const groups = groupsOf(n.sets);
  if (groups.length === 0) {
    out.push(
      finding(
        "dns-record-missing",
        "blocking",
        `${displayName(n.name)} has no CNAME, A or AAAA record in ${where}`,
        `create ${displayName(n.name)} as a CNAME to ${input.source.hostname ?? "the source cluster's load balancer"}, or remove it from environments.${input.envName}.dns.records`,
        n.name,
      ),
    );
  }
  for (const g of groups) {
    const ips = g.sets.flatMap((s) => {
      const t = setTarget(s);
      return t.kind === "ip" ? t.values : [];
    });
    if (ips.length > 0) {
      out.push(
        finding(
          "dns-points-at-ip",
          "blocking",
          `${displayName(g.name)} ${g.type} points at ${ips.join(", ")} directly, not through a CNAME, weighted or alias record to a cluster's load balancer, so traffic cannot be moved by DNS`,
          `replace it with a CNAME (or alias) to ${input.source.hostname ?? "the source cluster's ingress hostname"}, wait one TTL, then migrate`,
          g.name,
        ),
      );
    } else if (g.routing === "mixed") {
      out.push(
        finding(
          "dns-mixed-routing",
          "blocking",
          `${displayName(g.name)} ${g.type} has both a simple record and weighted sets; Route 53 cannot hold both, so the records are in a state no change batch can reproduce`,
          `delete either the simple record or the weighted sets of ${displayName(g.name)} so one routing policy remains`,
          g.name,
        ),
      );
    } else if (g.routing === "other") {
      out.push(
        finding(
          "dns-unsupported-routing",
          "blocking",
          `${displayName(g.name)} ${g.type} uses a routing policy hikkoshi does not switch (failover, latency, geolocation or multivalue)`,
          `use a simple or weighted record for ${displayName(g.name)}`,
          g.name,
        ),
      );
    } else out.push(...hostGroupFindings(g, input));
  }
  const ttl = Math.max(0, ...groups.flatMap((g) => g.sets.map(cacheTtl)));
  const long = input.longTtlSeconds ?? 3600;
  if (ttl > long) {
    const hours = Math.round((ttl / 3600) * 10) / 10;
    out.push(
      finding(
        "dns-ttl-long",
        "warning",
        `${displayName(n.name)} has a TTL of ${ttl} s: ${input.lowerTtl.enabled ? "lower-ttl must wait" : "draining the source takes"} about ${hours} h after the change, while resolvers keep the old answer`,
        input.lowerTtl.enabled
          ? `lower the TTL of ${displayName(n.name)} to ${input.lowerTtl.ttlSeconds} s a day ahead, or accept the wait`
          : `enable dns.lowerTtl, or lower the TTL of ${displayName(n.name)} to 300 s or less a day ahead`,
        n.name,
      ),
    );
  }
  for (const txt of n.ownership) {
    const value = (txt.ResourceRecords ?? []).map((r) => r.Value ?? "").find((v) => HERITAGE.test(v));
    if (value === undefined) continue;
    const owner = OWNER.exec(value)?.[1] ?? "(unknown)";
    out.push(
      finding(
        "dns-external-dns-owner",
        "warning",
        `${displayName(n.name)} is managed by external-dns (owner "${owner}", TXT at ${displayName(txt.Name ?? "")}): it may rewrite the record to the old cluster's load balancer after the shift`,
        `stop external-dns from managing ${displayName(n.name)} during the migration (remove the hostname annotation on the old cluster or use --policy=upsert-only with a domain filter), or hand ownership to the new cluster's external-dns`,
        n.name,
      ),
    );
  }
  return out;
}

export function dnsFindings(input: PreflightInput): Finding[] {
  const out = input.names.flatMap((n) => nameFindings(n, input));
  if (input.source.hostname === undefined) {
    out.push({
      code: "dns-source-hostname-unknown",
      severity: "warning",
      message: `cannot check where the records point: cluster ${input.source.name} has no ingress.hostname in the config`,
      fix: `set environments.${input.envName}.clusters[].ingress.hostname for ${input.source.name}`,
    });
  }
  return out;
}

export function zoneNotFoundFinding(hostedZone: string, envName: string, detail: string): Finding {
  return {
    code: "dns-zone-not-found",
    severity: "blocking",
    message: `hosted zone ${hostedZone} not found: ${detail}`,
    fix: `check environments.${envName}.dns.hostedZone (a zone name like example.com. or an id like Z0123456789ABC) and that the credentials belong to the account that owns it`,
  };
}
