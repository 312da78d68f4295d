// What the console's world panel and the rehearsal checks read: where each public DNS name points (and
// with which weights), each duplication-forbidden CronJob on both clusters, and workloads per cluster.
// Pure reads of the test hosts' state; nothing here changes the world.
import type { KubeHost, KubeObject } from "@hikkoshi/test-hosts/kube";
import { OLD_INGRESS, type SandboxWorld } from "./world.js";

export type Side = "old" | "new" | "other";

export interface DnsAnswer {
  name: string;
  type: string;
  setId?: string;
  weight?: number;
  ttl?: number;
  value: string;
  points: Side;
}

export interface CronJobSide {
  suspended: boolean;
  running: number;
  lastRun?: string;
}

export interface ForbiddenCronJob {
  key: string;
  old?: CronJobSide;
  new?: CronJobSide;
}

export interface ClusterWorkloads {
  name: string;
  deployments: number;
  ready: number;
  /** Desired replicas over every Deployment. */
  replicas: number;
  cronJobs: number;
  retired: boolean;
}

export interface WorldView {
  dns: DnsAnswer[];
  cronJobs: ForbiddenCronJob[];
  clusters: { old: ClusterWorkloads; new: ClusterWorkloads };
}

export const FORBIDDEN_LABEL = "hikkoshi.dev/duplication";

export const isForbidden = (o: KubeObject) => o.metadata?.labels?.[FORBIDDEN_LABEL] === "forbidden";
export const keyOf = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** Hostnames of the cluster's LoadBalancer Services (what DNS may point at). */
export function loadBalancerHostnames(host: KubeHost): string[] {
  return host.objects.list("v1", "Service").flatMap((s) => {
    const ingress =
      (s.status as { loadBalancer?: { ingress?: Array<{ hostname?: string }> } } | undefined)?.loadBalancer
        ?.ingress ?? [];
    return ingress.map((i) => i.hostname ?? "").filter(Boolean);
  });
}

function cronJobSide(cj: KubeObject | undefined): CronJobSide | undefined {
  if (!cj) return undefined;
  const spec = (cj.spec ?? {}) as { suspend?: boolean };
  const status = (cj.status ?? {}) as { active?: unknown[]; lastScheduleTime?: string };
  return {
    suspended: spec.suspend === true,
    running: Array.isArray(status.active) ? status.active.length : 0,
    ...(status.lastScheduleTime ? { lastRun: status.lastScheduleTime } : {}),
  };
}

function workloads(host: KubeHost): ClusterWorkloads {
  const deployments = host.objects.list("apps/v1", "Deployment");
  let ready = 0;
  let replicas = 0;
  for (const d of deployments) {
    const want = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const available = (d.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
    replicas += want;
    if (available >= want) ready++;
  }
  return {
    name: host.name,
    deployments: deployments.length,
    ready,
    replicas,
    cronJobs: host.objects.list("batch/v1", "CronJob").length,
    retired: host.objects.get("v1", "ConfigMap", "hikkoshi-retired", "kube-public") !== undefined,
  };
}

export function viewWorld(world: SandboxWorld): WorldView {
  const oldNames = new Set([OLD_INGRESS, ...loadBalancerHostnames(world.old)]);
  const newNames = new Set(loadBalancerHostnames(world.new));
  const dns = world.route53
    .recordSets(world.zoneId)
    .filter((r) => r.Type === "CNAME" && !r.Name?.startsWith("_"))
    .map((r): DnsAnswer => {
      const value = r.ResourceRecords?.map((v) => v.Value).join(",") ?? "";
      return {
        name: (r.Name ?? "").replace(/\.$/, ""),
        type: r.Type ?? "",
        ...(r.SetIdentifier ? { setId: r.SetIdentifier } : {}),
        ...(r.Weight !== undefined ? { weight: r.Weight } : {}),
        ...(r.TTL !== undefined ? { ttl: r.TTL } : {}),
        value,
        points: oldNames.has(value) ? "old" : newNames.has(value) ? "new" : "other",
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || (a.setId ?? "").localeCompare(b.setId ?? ""));

  const byKey = new Map<string, ForbiddenCronJob>();
  for (const side of ["old", "new"] as const) {
    for (const cj of world[side].objects.list("batch/v1", "CronJob").filter(isForbidden)) {
      const key = keyOf(cj);
      const entry = byKey.get(key) ?? { key };
      const state = cronJobSide(cj);
      if (state) entry[side] = state;
      byKey.set(key, entry);
    }
  }
  return {
    dns,
    cronJobs: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)),
    clusters: { old: workloads(world.old), new: workloads(world.new) },
  };
}

/** Share of live traffic (by weight) each side gets, per public name; a CNAME without weight is 100. */
export function trafficShare(view: WorldView): Record<string, Record<Side, number>> {
  const out: Record<string, Record<Side, number>> = {};
  const byName = new Map<string, DnsAnswer[]>();
  for (const a of view.dns) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  for (const [name, answers] of byName) {
    const weights = answers.map((a) => a.weight ?? 100);
    const total = weights.reduce((x, y) => x + y, 0);
    const share: Record<Side, number> = { old: 0, new: 0, other: 0 };
    answers.forEach((a, i) => {
      // All-zero weights split equally (Route 53's rule).
      share[a.points] += total === 0 ? 100 / answers.length : (100 * weights[i]!) / total;
    });
    out[name] = share;
  }
  return out;
}

/** Where the public names point: "old", "new", "split" (both get traffic) or "other". */
export function dnsSide(view: WorldView): Side | "split" {
  const sides = new Set<Side>();
  for (const share of Object.values(trafficShare(view)))
    for (const s of ["old", "new", "other"] as const) if (share[s] > 0) sides.add(s);
  if (sides.size === 1) return [...sides][0]!;
  if (sides.has("other")) return "other";
  return "split";
}

/** Where the duplication-forbidden CronJobs are active (unsuspended): "old", "new", "both" or "none". */
export function cronJobSideActive(view: WorldView): "old" | "new" | "both" | "none" {
  // Compare with what the team kept suspended on purpose: a CronJob suspended on both sides is not "active".
  const onOld = view.cronJobs.some((c) => c.old && !c.old.suspended);
  const onNew = view.cronJobs.some((c) => c.new && !c.new.suspended);
  return onOld && onNew ? "both" : onOld ? "old" : onNew ? "new" : "none";
}

/**
 * What a completed rollback must give back (ARCHITECTURE.md: records, suspend flags, replica counts): the
 * public records, the old cluster's forbidden CronJob flags and workloads, and nothing forbidden active on
 * the new cluster. Restored copies may stay on the new cluster, suspended.
 */
export function homeFingerprint(view: WorldView): string {
  return JSON.stringify({
    dns: view.dns.map((a) => [a.name, a.setId, a.weight, a.ttl, a.value]),
    old: view.cronJobs.map((c) => [c.key, c.old?.suspended]),
    newActive: view.cronJobs.filter((c) => c.new && !c.new.suspended).map((c) => c.key),
    oldWorkloads: [view.clusters.old.deployments, view.clusters.old.replicas, view.clusters.old.retired],
  });
}
