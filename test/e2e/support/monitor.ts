// The invariants of ARCHITECTURE.md, watched for the whole of a test (every ~50 ms, and on every CronJob
// change so a short overlap cannot slip between two samples):
//  (a) a duplication-forbidden CronJob is never unsuspended on both clusters at once, and a forbidden
//      Deployment never has pods (or wants them) on both clusters at once;
//  (b) public DNS never points (CNAME, or weight > 0) at a cluster whose Deployments are not all ready
//      (status.availableReplicas >= spec.replicas as the kube host shows it), nor at an unknown name.
//      Duplication-forbidden singletons are left out: a gap in them is accepted (FINDINGS.md #2);
//  (c) no schedule (CronJob + scheduledTime) ran on both clusters (from the CronJob controllers' events).

import { OLD_INGRESS, type SandboxWorld } from "@hikkoshi/sandbox/world";
import type { KubeHost } from "@hikkoshi/test-hosts/kube";
import { loadBalancerHostnames, notReadyDeployments } from "./world.js";

export interface InvariantMonitor {
  /** Distinct violations seen so far, each with the time it was first seen. */
  readonly violations: string[];
  readonly samples: number;
  /** Stops sampling (idempotent) and returns the violations. */
  stop(): string[];
}

const PUBLIC_TYPES = new Set(["CNAME", "A", "AAAA"]);

const forbiddenCronJobs = (host: KubeHost) =>
  host.objects
    .list("batch/v1", "CronJob")
    .filter((cj) => cj.metadata?.labels?.["hikkoshi.dev/duplication"] === "forbidden");

function unsuspendedForbidden(host: KubeHost): Set<string> {
  const out = new Set<string>();
  for (const cj of forbiddenCronJobs(host)) {
    if ((cj.spec as { suspend?: boolean } | undefined)?.suspend === true) continue;
    out.add(`${cj.metadata?.namespace}/${cj.metadata?.name}`);
  }
  return out;
}

export function startInvariantMonitor(world: SandboxWorld, everyMs = 50): InvariantMonitor {
  const seen = new Set<string>();
  const violations: string[] = [];
  let samples = 0;
  const startedAt = Date.now();
  const report = (v: string) => {
    if (seen.has(v)) return;
    seen.add(v);
    violations.push(`+${Date.now() - startedAt} ms: ${v}`);
  };

  const checkSuspend = () => {
    const onOld = unsuspendedForbidden(world.old);
    for (const key of unsuspendedForbidden(world.new))
      if (onOld.has(key)) report(`(a) forbidden CronJob ${key} unsuspended on both clusters`);
  };

  const runningForbiddenDeployments = (host: KubeHost) =>
    new Set(
      host.objects
        .list("apps/v1", "Deployment")
        .filter((d) => d.metadata?.labels?.["hikkoshi.dev/duplication"] === "forbidden")
        .filter((d) => {
          const spec = d.spec as { replicas?: number } | undefined;
          const status = d.status as { replicas?: number } | undefined;
          return (spec?.replicas ?? 1) > 0 || (status?.replicas ?? 0) > 0;
        })
        .map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`),
    );
  const checkSingletons = () => {
    const onOld = runningForbiddenDeployments(world.old);
    for (const key of runningForbiddenDeployments(world.new))
      if (onOld.has(key)) report(`(a) forbidden Deployment ${key} has pods on both clusters`);
  };

  const checkDns = () => {
    const clusters = [
      { host: world.old, names: new Set([OLD_INGRESS, ...loadBalancerHostnames(world.old)]) },
      { host: world.new, names: new Set(loadBalancerHostnames(world.new)) },
    ];
    for (const rs of world.route53.recordSets(world.zoneId)) {
      if (!PUBLIC_TYPES.has(rs.Type ?? "") || rs.Name?.startsWith("_")) continue;
      if (rs.Weight !== undefined && rs.Weight === 0) continue;
      for (const rr of rs.ResourceRecords ?? []) {
        const value = (rr.Value ?? "").replace(/\.$/, "");
        const owner = clusters.find((c) => c.names.has(value));
        const where = `${rs.Name}${rs.SetIdentifier ? ` [${rs.SetIdentifier} w=${rs.Weight}]` : ""}`;
        if (!owner) {
          report(`(b) ${where} points at ${value}, a name of neither cluster`);
          continue;
        }
        const notReady = notReadyDeployments(owner.host, { servingOnly: true });
        if (notReady.length > 0)
          report(
            `(b) ${where} points at ${owner.host.name} while ${notReady.length} Deployment(s) there are not ready (${notReady.slice(0, 3).join(", ")})`,
          );
      }
    }
  };

  // Duplication-tolerant CronJobs may run on both clusters; only forbidden ones count.
  const forbidden = new Set<string>();
  const checkRuns = () => {
    for (const host of [world.old, world.new])
      for (const cj of forbiddenCronJobs(host))
        forbidden.add(`${cj.metadata?.namespace}/${cj.metadata?.name}`);
    const ranOnOld = new Set(
      world.old.cronJobEvents.map((e) => `${e.namespace}/${e.cronJob}@${e.scheduledTime}`),
    );
    for (const e of world.new.cronJobEvents) {
      if (!forbidden.has(`${e.namespace}/${e.cronJob}`)) continue;
      const key = `${e.namespace}/${e.cronJob}@${e.scheduledTime}`;
      if (ranOnOld.has(key)) report(`(c) schedule ${key} ran on both clusters`);
    }
  };

  const sample = () => {
    samples += 1;
    checkSuspend();
    checkSingletons();
    checkDns();
    checkRuns();
  };

  const onCronJobChange = (e: { resource: string }) => {
    if (e.resource === "batch/cronjobs") checkSuspend();
    if (e.resource === "apps/deployments") checkSingletons();
  };
  const offOld = world.old.store.onChange(onCronJobChange);
  const offNew = world.new.store.onChange(onCronJobChange);
  sample();
  const timer = setInterval(sample, everyMs);
  let stopped = false;
  return {
    violations,
    get samples() {
      return samples;
    },
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        offOld();
        offNew();
        sample();
      }
      return violations;
    },
  };
}
