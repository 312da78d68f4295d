// The safety invariant the console's light shows and every rehearsal asserts: a duplication-forbidden
// resource (CronJob unsuspended, Deployment with replicas) is never active on both clusters at once, and
// no schedule of a forbidden CronJob ran on both. Checked on every object change of either cluster, so a
// short overlap cannot slip between two samples.
import type { KubeHost } from "@hikkoshi/test-hosts/kube";
import type { SandboxWorld } from "./world.js";
import { isForbidden, keyOf } from "./worldView.js";

export interface InvariantWatch {
  /** Distinct violations, each once, in the order first seen. */
  readonly violations: string[];
  stop(): void;
}

function activeForbidden(host: KubeHost): Set<string> {
  const out = new Set<string>();
  for (const cj of host.objects.list("batch/v1", "CronJob").filter(isForbidden))
    if ((cj.spec as { suspend?: boolean } | undefined)?.suspend !== true) out.add(`CronJob ${keyOf(cj)}`);
  for (const d of host.objects.list("apps/v1", "Deployment").filter(isForbidden)) {
    const want = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const have = (d.status as { replicas?: number } | undefined)?.replicas ?? 0;
    if (want > 0 || have > 0) out.add(`Deployment ${keyOf(d)}`);
  }
  return out;
}

export function watchInvariants(world: SandboxWorld): InvariantWatch {
  const violations: string[] = [];
  const seen = new Set<string>();
  const report = (v: string) => {
    if (seen.has(v)) return;
    seen.add(v);
    violations.push(`${new Date().toISOString()} ${v}`);
  };
  const forbiddenCronJobs = new Set<string>();
  const check = () => {
    const onOld = activeForbidden(world.old);
    for (const key of activeForbidden(world.new))
      if (onOld.has(key)) report(`forbidden ${key} active on both clusters`);
    for (const cj of world.old.objects.list("batch/v1", "CronJob").filter(isForbidden))
      forbiddenCronJobs.add(keyOf(cj));
    const ranOld = new Set(
      world.old.cronJobEvents.map((e) => `${e.namespace}/${e.cronJob}@${e.scheduledTime}`),
    );
    for (const e of world.new.cronJobEvents) {
      const key = `${e.namespace}/${e.cronJob}`;
      if (forbiddenCronJobs.has(key) && ranOld.has(`${key}@${e.scheduledTime}`))
        report(`forbidden CronJob ${key} ran the ${e.scheduledTime} schedule on both clusters`);
    }
  };
  const relevant = new Set(["batch/cronjobs", "apps/deployments", "batch/jobs"]);
  // One check per tick: an overlap made and undone within one tick would need two HTTP writes, impossible.
  let queued = false;
  const listener = (ev: { resource: string }) => {
    if (!relevant.has(ev.resource) || queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      check();
    });
  };
  const offOld = world.old.store.onChange(listener);
  const offNew = world.new.store.onChange(listener);
  const timer = setInterval(check, 250);
  check();
  return {
    violations,
    stop() {
      clearInterval(timer);
      offOld();
      offNew();
    },
  };
}
