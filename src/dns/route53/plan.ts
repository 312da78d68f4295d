// Pure planning: the record sets each name should have after a shift to `weight` percent, derived from the
// snapshot's original form so every step (and every retry of a step) aims at the same state.
//
// - simple original, 0 < weight < 100: two weighted sets, SetIdentifier = cluster name, weights 100-w / w.
// - simple original, weight 100: the simple record, now naming the target (same TTL, same form).
// - weighted original: the source set gets 100-w, the target set w (created beside it if absent).
// TTLs are the ones in effect now (a lowered TTL stays lowered); alias records keep their alias form.

import { displayName, fqdn, isTraffic, type RecordSet, setKey } from "./records.js";
import { type Group, groupsOf, normHost, pointsAt, setTarget } from "./targets.js";

export interface ShiftParams {
  sourceHost: string;
  targetHost: string;
  sourceName: string;
  targetName: string;
  weight: number;
}

/** The records cannot be switched as they are; `fix` tells a person what to change. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** `x.eu-central-1.elb.amazonaws.com` → `eu-central-1.elb.amazonaws.com`: same suffix = same alias zone. */
function lbSuffix(host: string): string {
  return normHost(host).split(".").slice(1).join(".");
}

/** The same record set, naming `host` instead (alias: same canonical zone, so same region and LB kind). */
export function retarget(rs: RecordSet, host: string): RecordSet {
  if (rs.AliasTarget) {
    const old = rs.AliasTarget.DNSName ?? "";
    if (lbSuffix(old) !== lbSuffix(host)) {
      throw new PlanError(
        `${displayName(rs.Name ?? "")} is an alias to ${normHost(old)}; the alias hosted zone of ${normHost(host)} cannot be derived from it (different region or load-balancer kind)`,
        "make the name a CNAME to the load balancer, or give the new cluster a load balancer of the same kind in the same region",
      );
    }
    const dualstack = /^dualstack\./i.test(old) ? "dualstack." : "";
    return { ...rs, AliasTarget: { ...rs.AliasTarget, DNSName: `${dualstack}${normHost(host)}.` } };
  }
  const old = rs.ResourceRecords?.[0]?.Value ?? "";
  const bare = host.trim().replace(/\.$/, "");
  return { ...rs, ResourceRecords: [{ Value: old.endsWith(".") ? `${bare}.` : bare }] };
}

function withTtl(rs: RecordSet, ttl: number | undefined): RecordSet {
  return rs.AliasTarget || ttl === undefined ? rs : { ...rs, TTL: ttl };
}

function withoutHealthCheck(rs: RecordSet): RecordSet {
  const { HealthCheckId: _ignored, ...rest } = rs;
  return rest;
}

/** The TTL in effect now (setTtl may have lowered it): the source set's, else any current set's. */
function liveTtl(current: readonly RecordSet[], sourceHost: string): number | undefined {
  return (
    current.find((s) => pointsAt(s, sourceHost) && s.TTL !== undefined) ??
    current.find((s) => s.TTL !== undefined)
  )?.TTL;
}

function uniqueId(wanted: string, taken: readonly RecordSet[]): string {
  const ids = new Set(taken.map((s) => s.SetIdentifier));
  if (!ids.has(wanted)) return wanted;
  let i = 2;
  while (ids.has(`${wanted}-${i}`)) i++;
  return `${wanted}-${i}`;
}

function where(g: Group): string {
  return `${displayName(g.name)} ${g.type}`;
}

/** Desired sets of one group after the shift. `current` = the group's sets as they are now. */
export function shiftGroup(original: Group, current: readonly RecordSet[], p: ShiftParams): RecordSet[] {
  const w = p.weight;
  const ttl = liveTtl(current, p.sourceHost);
  if (original.routing === "simple") {
    const s = original.sets[0]!;
    if (!pointsAt(s, p.sourceHost)) {
      const t = setTarget(s);
      const what = t.kind === "host" ? t.host : t.kind === "ip" ? `IP ${t.values.join(", ")}` : "nothing";
      throw new PlanError(
        `${where(original)} pointed at ${what} when the snapshot was taken, not at the source load balancer ${normHost(p.sourceHost)}`,
        `point ${displayName(original.name)} at ${normHost(p.sourceHost)} (or fix clusters[].ingress.hostname) and start again`,
      );
    }
    const base = withTtl(s, ttl ?? s.TTL);
    if (w === 0) return [base];
    if (w === 100) return [retarget(base, p.targetHost)];
    return [
      { ...base, SetIdentifier: p.sourceName, Weight: 100 - w },
      { ...retarget(withoutHealthCheck(base), p.targetHost), SetIdentifier: p.targetName, Weight: w },
    ];
  }
  if (original.routing === "weighted") {
    const src = original.sets.find((s) => pointsAt(s, p.sourceHost));
    if (!src) {
      throw new PlanError(
        `no weighted set of ${where(original)} points at the source load balancer ${normHost(p.sourceHost)}`,
        `add a weighted set for ${p.sourceName} or fix clusters[].ingress.hostname, then start again`,
      );
    }
    const tgtOrig = original.sets.find((s) => pointsAt(s, p.targetHost));
    const tgtNow = current.find((s) => pointsAt(s, p.targetHost) && s.SetIdentifier !== undefined);
    const now = (s: RecordSet) => current.find((c) => setKey(c) === setKey(s)) ?? s;
    const out = original.sets.filter((s) => s !== src && s !== tgtOrig).map(now);
    out.push({ ...withTtl(src, ttl ?? src.TTL), Weight: 100 - w });
    const tgtBase = tgtNow ?? tgtOrig;
    if (tgtBase) out.push({ ...withTtl(tgtBase, ttl ?? tgtBase.TTL), Weight: w });
    else if (w > 0) {
      const created = retarget(withoutHealthCheck(withTtl(src, ttl ?? src.TTL)), p.targetHost);
      out.push({ ...created, SetIdentifier: uniqueId(p.targetName, original.sets), Weight: w });
    }
    return out;
  }
  if (original.routing === "mixed") {
    throw new PlanError(
      `${where(original)} has both a simple record and weighted sets`,
      `delete either the simple record or the weighted sets of ${displayName(original.name)} so one routing policy remains`,
    );
  }
  throw new PlanError(
    `${where(original)} uses a routing policy hikkoshi does not switch (failover, latency, geolocation or multivalue)`,
    `use a simple or weighted record for ${displayName(original.name)}`,
  );
}

function atName(sets: readonly RecordSet[], name: string): RecordSet[] {
  const n = fqdn(name);
  return sets.filter((s) => fqdn(s.Name ?? "") === n && isTraffic(s));
}

/** Desired traffic sets of every configured name after the shift; other types at the names are untouched. */
export function shiftDesired(
  original: readonly RecordSet[],
  current: readonly RecordSet[],
  names: readonly string[],
  p: ShiftParams,
): RecordSet[] {
  if (!Number.isInteger(p.weight) || p.weight < 0 || p.weight > 100) {
    throw new PlanError(`weight ${p.weight} is not a whole percentage`, "use a weight between 0 and 100");
  }
  const out: RecordSet[] = [];
  for (const name of names) {
    const groups = groupsOf(atName(original, name));
    if (groups.length === 0) {
      throw new PlanError(
        `${displayName(name)} had no CNAME, A or AAAA record when the snapshot was taken`,
        `create ${displayName(name)} pointing at the source cluster, or remove it from dns.records`,
      );
    }
    const now = atName(current, name);
    for (const g of groups)
      out.push(
        ...shiftGroup(
          g,
          now.filter((s) => s.Type === g.type),
          p,
        ),
      );
    out.push(...now.filter((s) => !groups.some((g) => g.type === s.Type)));
  }
  return out;
}

/** The same sets with every TTL set to `ttl` (aliases have none and stay as they are). */
export function ttlDesired(current: readonly RecordSet[], ttl: number): RecordSet[] {
  return current.map((rs) => (rs.TTL === undefined ? rs : { ...rs, TTL: ttl }));
}

/**
 * The weights of a group now and after each step (undefined where the step leaves a simple record), for the
 * "all weights 0" check. Steps that cannot be planned are left out (other findings report why).
 */
export function plannedWeights(
  group: Group,
  p: Omit<ShiftParams, "weight">,
  steps: readonly number[],
): Array<{ step: number; weights: number[] | undefined }> {
  const weightsOf = (sets: readonly RecordSet[]) =>
    sets.every((s) => s.Weight !== undefined) ? sets.map((s) => s.Weight ?? 0) : undefined;
  const out: Array<{ step: number; weights: number[] | undefined }> = [
    { step: 0, weights: weightsOf(group.sets) },
  ];
  for (const step of steps) {
    try {
      out.push({ step, weights: weightsOf(shiftGroup(group, group.sets, { ...p, weight: step })) });
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
    }
  }
  return out;
}
