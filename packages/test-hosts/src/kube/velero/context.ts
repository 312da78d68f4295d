// What the Velero controllers of one host share.

import type { KubeApi, Target } from "../api.js";
import { groupVersion, type ResourceDef, resourceKey } from "../resources.js";
import { type JsonObject, type KubeObject, rfc3339 } from "../types.js";
import type { VeleroInjection } from "./phases.js";
import type { VeleroStore } from "./store.js";

export interface VeleroTimings {
  /** Real ms a backup spends InProgress. */
  backupDurationMs: number;
  /** Real ms a restore spends InProgress. */
  restoreDurationMs: number;
  /** Real ms after upload before a backup appears as a Backup object on this host (Velero's sync). */
  syncDelayMs: number;
  /** Real ms between sync passes. */
  syncPeriodMs: number;
}

export interface VeleroContext {
  api: KubeApi;
  hostName: string;
  namespace: string;
  store: VeleroStore;
  timings: VeleroTimings;
  inject(): VeleroInjection;
  bslPhase(): string;
  after(ms: number, fn: () => void): void;
}

export function veleroDef(ctx: VeleroContext, plural: string): ResourceDef | undefined {
  return ctx.api.registry.byKey(`velero.io/${plural}`);
}

export function nowString(ctx: VeleroContext): string {
  return rfc3339(ctx.api.options.clock.now());
}

/** Read-modify-write of a Velero object's status (Backup/Restore have no status subresource). */
export function patchStatus(
  ctx: VeleroContext,
  plural: string,
  name: string,
  status: JsonObject,
  labels?: Record<string, string>,
): KubeObject | undefined {
  const def = veleroDef(ctx, plural);
  if (!def) return undefined;
  const cur = ctx.api.store.get(resourceKey(def), ctx.namespace, name);
  if (!cur) return undefined;
  const t: Target = { def, version: "v1", namespace: ctx.namespace, name };
  const metadata = { ...cur.metadata, labels: { ...(cur.metadata?.labels ?? {}), ...(labels ?? {}) } };
  return ctx.api.update(t, { ...cur, metadata, status: { ...(cur.status ?? {}), ...status } });
}

export function apiVersionOf(def: ResourceDef, version: string): string {
  return groupVersion(def.group, version);
}

/** Go duration (`720h0m0s`, `24h`, `90m`) to ms; undefined when unparseable. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === "h" ? n * 3_600_000 : unit === "m" ? n * 60_000 : unit === "s" ? n * 1000 : n;
    consumed += m[0].length;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
