// What a rollback must give back: the DNS record sets exactly, the suspend flags and deadlines of every
// CronJob and the replica counts of every Deployment and StatefulSet on both clusters. Read straight from
// the hosts (no HTTP, no hikkoshi code).

import type { SandboxWorld } from "@hikkoshi/sandbox/world";
import type { KubeHost, KubeObject } from "@hikkoshi/test-hosts/kube";

type RecordSet = ReturnType<SandboxWorld["route53"]["recordSets"]>[number];

export interface CronJobFlags {
  suspend: boolean;
  startingDeadlineSeconds: number | null;
  forbidden: boolean;
}

export interface ClusterSnapshot {
  /** `namespace/name` → flags */
  cronJobs: Record<string, CronJobFlags>;
  /** `Kind namespace/name` → spec.replicas */
  replicas: Record<string, number>;
  /** `Kind namespace/name` of the duplication-forbidden workloads. */
  forbiddenWorkloads: string[];
  /** The `kube-public/hikkoshi-retired` marker decommission writes. */
  retired: boolean;
}

export interface WorldSnapshot {
  /** Every record set of the zone, deep copies, in the host's order. */
  dns: RecordSet[];
  old: ClusterSnapshot;
  new: ClusterSnapshot;
}

/** JSON with object keys sorted, so equal values give equal strings whatever order keys were set in. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

const nameOf = (o: KubeObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function cluster(host: KubeHost): ClusterSnapshot {
  const cronJobs: Record<string, CronJobFlags> = {};
  for (const cj of host.objects.list("batch/v1", "CronJob")) {
    const spec = (cj.spec ?? {}) as { suspend?: boolean; startingDeadlineSeconds?: number };
    cronJobs[nameOf(cj)] = {
      suspend: spec.suspend === true,
      startingDeadlineSeconds: spec.startingDeadlineSeconds ?? null,
      forbidden: cj.metadata?.labels?.["hikkoshi.dev/duplication"] === "forbidden",
    };
  }
  const replicas: Record<string, number> = {};
  const forbiddenWorkloads: string[] = [];
  for (const kind of ["Deployment", "StatefulSet"]) {
    for (const w of host.objects.list("apps/v1", kind)) {
      replicas[`${kind} ${nameOf(w)}`] = (w.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      if (w.metadata?.labels?.["hikkoshi.dev/duplication"] === "forbidden")
        forbiddenWorkloads.push(`${kind} ${nameOf(w)}`);
    }
  }
  const retired = host.objects.get("v1", "ConfigMap", "hikkoshi-retired", "kube-public") !== undefined;
  return { cronJobs, replicas, forbiddenWorkloads, retired };
}

export function snapshotWorld(world: SandboxWorld): WorldSnapshot {
  return {
    dns: structuredClone(world.route53.recordSets(world.zoneId)),
    old: cluster(world.old),
    new: cluster(world.new),
  };
}

/**
 * The world after a rollback compared with the world before the migration: a list of differences (empty
 * when equal). Every object of the starting snapshot must be as it was. Objects the restore created on
 * the new cluster stay (the target is new; restoring has no compensation), but a duplication-forbidden
 * CronJob among them must be suspended there, or it would run on both clusters.
 */
export function rollbackDifferences(before: WorldSnapshot, after: WorldSnapshot): string[] {
  const out: string[] = [];
  const dnsBefore = canonical(before.dns);
  const dnsAfter = canonical(after.dns);
  if (dnsBefore !== dnsAfter)
    out.push(`DNS record sets differ:\n  before ${dnsBefore}\n  after  ${dnsAfter}`);
  for (const side of ["old", "new"] as const) {
    const b = before[side];
    const a = after[side];
    for (const [key, flags] of Object.entries(b.cronJobs)) {
      const now = a.cronJobs[key];
      if (!now) out.push(`${side}: CronJob ${key} is gone`);
      else if (canonical(now) !== canonical(flags))
        out.push(`${side}: CronJob ${key} was ${JSON.stringify(flags)}, is ${JSON.stringify(now)}`);
    }
    for (const [key, replicas] of Object.entries(b.replicas)) {
      const now = a.replicas[key];
      if (now !== replicas) out.push(`${side}: ${key} had ${replicas} replicas, has ${now ?? "none"}`);
    }
    if (a.retired !== b.retired) out.push(`${side}: retired marker ${b.retired ? "removed" : "left behind"}`);
  }
  // Objects that appeared on the old cluster: the rollback must not leave anything of its own there.
  for (const key of Object.keys(after.old.cronJobs))
    if (!(key in before.old.cronJobs)) out.push(`old: CronJob ${key} appeared`);
  for (const key of Object.keys(after.old.replicas))
    if (!(key in before.old.replicas)) out.push(`old: ${key} appeared`);
  // Restored copies on the new cluster: forbidden workloads at 0 replicas, forbidden CronJobs suspended
  // with the source's deadline.
  for (const key of after.new.forbiddenWorkloads) {
    if (key in before.new.replicas) continue;
    if (after.new.replicas[key] !== 0)
      out.push(`new: restored forbidden ${key} has ${after.new.replicas[key]} replicas, not 0`);
  }
  for (const [key, flags] of Object.entries(after.new.cronJobs)) {
    if (key in before.new.cronJobs || !flags.forbidden) continue;
    if (!flags.suspend) out.push(`new: restored forbidden CronJob ${key} is not suspended`);
    const src = before.old.cronJobs[key];
    if (src && src.startingDeadlineSeconds !== flags.startingDeadlineSeconds)
      out.push(
        `new: restored CronJob ${key} has startingDeadlineSeconds ${flags.startingDeadlineSeconds}, source had ${src.startingDeadlineSeconds}`,
      );
  }
  return out;
}
