// Pure read-back checks for the TrafficPort's `verify*`: the records as read now, against what a change
// meant to leave. Each answer names the record that differs and how.

import type { TrafficSplit, Verification } from "../../migration/ports.js";
import { describeChanges, diffSets, displayName, fqdn, type RecordSet } from "./records.js";
import { type ClusterHost, describeDistribution, distribution, groupsOf } from "./targets.js";

function answer(problems: string[]): Verification {
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join("; ") };
}

/** Every traffic set with a TTL of its own has `ttl` (aliases have none: Route 53 answers them with 60 s). */
export function checkTtl(current: readonly RecordSet[], ttl: number): Verification {
  return answer(
    current
      .filter((rs) => rs.TTL !== undefined && rs.TTL !== ttl)
      .map((rs) => `${displayName(rs.Name ?? "")} ${rs.Type} has TTL ${rs.TTL} s, not ${ttl} s`),
  );
}

/** Every configured name sends `weight` percent to the target and the rest to the source. */
export function checkWeight(
  current: readonly RecordSet[],
  names: readonly string[],
  source: ClusterHost,
  target: ClusterHost,
  split: TrafficSplit,
): Verification {
  const problems: string[] = [];
  const clusters = [source, target];
  for (const name of names) {
    const groups = groupsOf(current.filter((s) => fqdn(s.Name ?? "") === fqdn(name)));
    if (groups.length === 0) problems.push(`${displayName(name)} has no CNAME, A or AAAA record`);
    for (const g of groups) {
      const dist = distribution(g, clusters);
      const near = (label: string, want: number) => Math.abs((dist.get(label) ?? 0) - want) < 0.1;
      if (!near(target.name, split.weight) || !near(source.name, 100 - split.weight)) {
        problems.push(
          `${describeDistribution(g.name, dist)} (${g.type}), expected ${target.name} (${split.weight}%) and ${source.name} (${100 - split.weight}%)`,
        );
      }
    }
  }
  return answer(problems);
}

/** The names hold exactly the snapshot's sets (the changes that would make them so, otherwise). */
export function checkRestored(current: readonly RecordSet[], original: readonly RecordSet[]): Verification {
  const changes = diffSets(current, original);
  if (changes.length === 0) return { ok: true };
  return {
    ok: false,
    reason: `the records differ from the snapshot: ${describeChanges(changes)} would restore it`,
  };
}
