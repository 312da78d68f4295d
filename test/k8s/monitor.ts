// Watches both hosts' stores for the handoff invariant: a forbidden CronJob is never unsuspended on both
// clusters at once. Checks on every CronJob change (synchronously, so no state is missed) and also polls.

import type { KubeHost } from "@hikkoshi/test-hosts/kube";

export interface SuspendMonitor {
  violations: string[];
  checks: number;
  stop(): void;
}

function unsuspended(host: KubeHost, namespace: string, name: string): boolean {
  const cj = host.store.get("batch/cronjobs", namespace, name);
  return cj !== undefined && (cj.spec as { suspend?: boolean } | undefined)?.suspend !== true;
}

export function monitorSuspend(
  source: KubeHost,
  target: KubeHost,
  watched: ReadonlyArray<{ namespace: string; name: string }>,
  pollMs = 2,
): SuspendMonitor {
  const keys = new Set(watched.map((w) => `${w.namespace}/${w.name}`));
  const m: SuspendMonitor = { violations: [], checks: 0, stop: () => {} };
  const check = (namespace: string, name: string, via: string) => {
    m.checks += 1;
    if (unsuspended(source, namespace, name) && unsuspended(target, namespace, name)) {
      m.violations.push(`${namespace}/${name} unsuspended on both (${via})`);
    }
  };
  const onChange =
    (via: string) =>
    (e: { resource: string; object: { metadata?: { namespace?: string; name?: string } } }) => {
      if (e.resource !== "batch/cronjobs") return;
      const ns = e.object.metadata?.namespace ?? "";
      const name = e.object.metadata?.name ?? "";
      if (keys.has(`${ns}/${name}`)) check(ns, name, via);
    };
  const offSource = source.store.onChange(onChange("source change"));
  const offTarget = target.store.onChange(onChange("target change"));
  const timer = setInterval(() => {
    for (const w of watched) check(w.namespace, w.name, "poll");
  }, pollMs);
  m.stop = () => {
    offSource();
    offTarget();
    clearInterval(timer);
  };
  return m;
}

/** `(namespace/cronJob, scheduledTime)` runs that happened on both hosts: a double run. */
export function doubleRuns(source: KubeHost, target: KubeHost, only?: ReadonlySet<string>): string[] {
  const seen = new Set(source.cronJobEvents.map((e) => `${e.namespace}/${e.cronJob}@${e.scheduledTime}`));
  return target.cronJobEvents
    .filter((e) => !only || only.has(`${e.namespace}/${e.cronJob}`))
    .map((e) => `${e.namespace}/${e.cronJob}@${e.scheduledTime}`)
    .filter((k) => seen.has(k));
}
