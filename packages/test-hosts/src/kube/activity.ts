// What the host saw of each workload's on/off state: every moment a CronJob became suspended or
// unsuspended, and a Deployment went to 0 replicas or above, in wall-clock and host-clock time. Tests
// compare the gap hikkoshi reports with the one the cluster lived through, and check that nothing was
// active on two hosts at the same moment.

import type { Clock } from "./clock.js";
import type { ChangeEvent, ObjectStore } from "./store.js";
import { getBool, getNumber, type KubeObject } from "./types.js";

export type ActivityKind = "CronJob" | "Deployment";

export interface ActivityChange {
  kind: ActivityKind;
  /** `namespace/name` */
  key: string;
  active: boolean;
  /** Wall-clock ms (Date.now()) of the write that changed it. */
  wallMs: number;
  /** Host-clock ms of the same write. */
  hostMs: number;
}

const KINDS: Record<string, ActivityKind> = { "batch/cronjobs": "CronJob", "apps/deployments": "Deployment" };

function isActive(kind: ActivityKind, o: KubeObject): boolean {
  return kind === "CronJob"
    ? getBool(o, ["spec", "suspend"]) !== true
    : (getNumber(o, ["spec", "replicas"]) ?? 1) > 0;
}

export class ActivityLog {
  readonly changes: ActivityChange[] = [];
  private readonly state = new Map<string, boolean>();

  constructor(
    store: ObjectStore,
    private readonly clock: Clock,
  ) {
    store.onChange((e) => this.record(e));
  }

  private record(e: ChangeEvent): void {
    const kind = KINDS[e.resource];
    if (!kind) return;
    const key = `${kind}:${e.object.metadata?.namespace ?? ""}/${e.object.metadata?.name ?? ""}`;
    const active = e.type === "DELETED" ? false : isActive(kind, e.object);
    if (this.state.get(key) === active) return;
    const first = !this.state.has(key);
    this.state.set(key, active);
    // An object created inactive has no "became inactive" moment worth recording.
    if (first && !active) return;
    this.changes.push({
      kind,
      key: key.slice(kind.length + 1),
      active,
      wallMs: Date.now(),
      hostMs: this.clock.now(),
    });
  }

  /** Changes of one resource, oldest first. */
  of(kind: ActivityKind, namespace: string, name: string): ActivityChange[] {
    const key = `${namespace}/${name}`;
    return this.changes.filter((c) => c.kind === kind && c.key === key);
  }

  /** Whether the resource is active now (undefined if the host never saw it). */
  isActive(kind: ActivityKind, namespace: string, name: string): boolean | undefined {
    return this.state.get(`${kind}:${namespace}/${name}`);
  }
}

export interface ObservedGap {
  /** Wall ms the source copy last became inactive before the target copy became active. */
  stoppedAt: number;
  startedAt: number;
  gapMs: number;
}

/**
 * The handoff gap as the two hosts lived it: from the source's last stop to the target's first start
 * after it. Undefined when the resource never started on the target.
 */
export function observedGap(
  source: ActivityLog,
  target: ActivityLog,
  kind: ActivityKind,
  namespace: string,
  name: string,
): ObservedGap | undefined {
  const start = target.of(kind, namespace, name).find((c) => c.active);
  if (!start) return undefined;
  const stop = source
    .of(kind, namespace, name)
    .filter((c) => !c.active && c.wallMs <= start.wallMs)
    .at(-1);
  if (!stop) return undefined;
  return { stoppedAt: stop.wallMs, startedAt: start.wallMs, gapMs: start.wallMs - stop.wallMs };
}

/**
 * Intervals in which a resource was active on both hosts at once, as readable strings (empty = none);
 * `only` limits the check to some `namespace/name` keys (the duplication-forbidden ones).
 */
export function activeOnBoth(a: ActivityLog, b: ActivityLog, only?: ReadonlySet<string>): string[] {
  const intervals = (log: ActivityLog, kind: ActivityKind, key: string): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    let since: number | undefined;
    for (const c of log.changes.filter((x) => x.kind === kind && x.key === key)) {
      if (c.active && since === undefined) since = c.wallMs;
      if (!c.active && since !== undefined) {
        out.push([since, c.wallMs]);
        since = undefined;
      }
    }
    if (since !== undefined) out.push([since, Number.POSITIVE_INFINITY]);
    return out;
  };
  const keys = new Set([...a.changes, ...b.changes].map((c) => `${c.kind}|${c.key}`));
  const found: string[] = [];
  for (const k of keys) {
    const [kind, key] = k.split("|") as [ActivityKind, string];
    if (only && !only.has(key)) continue;
    for (const [s1, e1] of intervals(a, kind, key)) {
      for (const [s2, e2] of intervals(b, kind, key)) {
        if (s1 < e2 && s2 < e1) found.push(`${kind} ${key} active on both from ${Math.max(s1, s2)}`);
      }
    }
  }
  return found;
}
