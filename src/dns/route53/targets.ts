// Pure functions that tell where a name's records send traffic: which load balancer each record set names
// (CNAME value or alias DNS name), which configured cluster that is, and with what share of the traffic.

import { displayName, fqdn, isTraffic, type RecordSet } from "./records.js";

export interface ClusterHost {
  name: string;
  hostname?: string | undefined;
}

export type SetTarget =
  | { kind: "host"; host: string; via: "cname" | "alias" }
  | { kind: "ip"; values: string[] }
  | { kind: "none" };

/** `Dualstack.A1B2.elb.amazonaws.com.` → `a1b2.elb.amazonaws.com` (aliases to an ELB carry `dualstack.`). */
export function normHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

export function setTarget(rs: RecordSet): SetTarget {
  if (rs.AliasTarget?.DNSName) return { kind: "host", host: normHost(rs.AliasTarget.DNSName), via: "alias" };
  const values = (rs.ResourceRecords ?? []).map((r) => r.Value ?? "");
  if (rs.Type === "CNAME" && values[0] !== undefined)
    return { kind: "host", host: normHost(values[0]), via: "cname" };
  if ((rs.Type === "A" || rs.Type === "AAAA") && values.length > 0) return { kind: "ip", values };
  return { kind: "none" };
}

export function pointsAt(rs: RecordSet, host: string | undefined): boolean {
  if (host === undefined) return false;
  const t = setTarget(rs);
  return t.kind === "host" && t.host === normHost(host);
}

export type Routing = "simple" | "weighted" | "mixed" | "other";

/** All traffic record sets of one name and type: the unit that is switched. */
export interface Group {
  name: string;
  type: string;
  sets: RecordSet[];
  routing: Routing;
}

export function routingOf(sets: readonly RecordSet[]): Routing {
  const simple = sets.filter((s) => s.SetIdentifier === undefined).length;
  const weighted = sets.filter((s) => s.SetIdentifier !== undefined && s.Weight !== undefined).length;
  if (simple === sets.length && simple === 1) return "simple";
  if (weighted === sets.length) return "weighted";
  if (simple > 0 && weighted > 0) return "mixed";
  return "other";
}

/** Traffic groups of the given sets, by name then type. */
export function groupsOf(sets: readonly RecordSet[]): Group[] {
  const byKey = new Map<string, RecordSet[]>();
  for (const rs of sets) {
    if (!isTraffic(rs)) continue;
    const key = `${fqdn(rs.Name ?? "")}|${rs.Type}`;
    byKey.set(key, [...(byKey.get(key) ?? []), rs]);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, group]) => {
      const [name, type] = key.split("|") as [string, string];
      return { name, type, sets: group, routing: routingOf(group) };
    });
}

/** Share of traffic (percent) per set; weights all 0 mean an equal split, as Route 53 answers them. */
export function shares(group: Group): Array<{ set: RecordSet; percent: number }> {
  if (group.routing !== "weighted")
    return group.sets.map((set) => ({ set, percent: 100 / group.sets.length }));
  const total = group.sets.reduce((sum, s) => sum + (s.Weight ?? 0), 0);
  return group.sets.map((set) => ({
    set,
    percent: total === 0 ? 100 / group.sets.length : ((set.Weight ?? 0) * 100) / total,
  }));
}

/** What a set points at, in a person's words: a cluster name, a foreign host, or IPs. */
export function targetLabel(rs: RecordSet, clusters: readonly ClusterHost[]): string {
  const t = setTarget(rs);
  if (t.kind === "ip") return `IP ${t.values.join(", ")}`;
  if (t.kind === "none") return "(no target)";
  const cluster = clusters.find((c) => c.hostname !== undefined && normHost(c.hostname) === t.host);
  return cluster ? cluster.name : t.host;
}

/** Percent of the group's traffic per target label (cluster name, host, or IPs), rounded to 0.1. */
export function distribution(group: Group, clusters: readonly ClusterHost[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { set, percent } of shares(group)) {
    const label = targetLabel(set, clusters);
    out.set(label, Math.round(((out.get(label) ?? 0) + percent) * 10) / 10);
  }
  return out;
}

export function describeDistribution(name: string, dist: Map<string, number>): string {
  const parts = [...dist.entries()]
    .filter(([, p]) => p > 0 || dist.size === 1)
    .sort(([, a], [, b]) => b - a)
    .map(([label, p]) => `${label} (${p}%)`);
  return `${displayName(name)} → ${parts.length > 0 ? parts.join(", ") : "(nothing)"}`;
}
