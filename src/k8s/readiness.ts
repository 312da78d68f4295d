// Step "wait-ready": every Deployment, StatefulSet and DaemonSet on the target is available at its current
// generation. Forbidden Deployments held at 0 replicas (waiting for the handoff) count as ready.

import type { EnvContext, ProgressFn, ReadinessReport } from "../migration/ports.js";
import type { ClusterClient } from "./clusterRegistry.js";
import { hasLabel, type LabelPair, parseLabel } from "./labels.js";
import { GVR, listObjects } from "./listing.js";
import { getArray, getNumber, getString, labelsOf, refOf, refString } from "./objects.js";
import { type Clock, throwIfAborted } from "./runtime.js";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

export interface Assessment {
  ready: boolean;
  /** Why not, for a person: counts and the failing conditions' reasons/messages. */
  reason: string;
}

/** Conditions that say something is wrong: `Available=False`, `Progressing=False`, `ReplicaFailure=True`… */
function badConditions(obj: unknown): string[] {
  const out: string[] = [];
  for (const c of getArray(obj, ["status", "conditions"])) {
    const type = getString(c, ["type"]) ?? "";
    const status = getString(c, ["status"]) ?? "";
    const bad = type === "ReplicaFailure" ? status === "True" : status === "False";
    if (!bad) continue;
    const reason = getString(c, ["reason"]);
    const message = getString(c, ["message"]);
    out.push(`${type}=${status}${reason ? ` ${reason}` : ""}${message ? `: ${message}` : ""}`);
  }
  return out;
}

function generationLag(obj: unknown): string | undefined {
  const generation = getNumber(obj, ["metadata", "generation"]) ?? 0;
  const observed = getNumber(obj, ["status", "observedGeneration"]) ?? 0;
  return observed < generation
    ? `controller has not observed generation ${generation} (at ${observed})`
    : undefined;
}

function verdict(problems: Array<string | undefined>, obj: unknown): Assessment {
  const list = problems.filter((p): p is string => p !== undefined);
  if (list.length === 0) return { ready: true, reason: "ready" };
  return { ready: false, reason: [...list, ...badConditions(obj)].join("; ") };
}

/** Pure readiness rule for one workload, mirroring `kubectl rollout status`. */
export function assessWorkload(kind: WorkloadKind, obj: unknown, forbidden: LabelPair): Assessment {
  const s = (f: string) => getNumber(obj, ["status", f]) ?? 0;
  switch (kind) {
    case "Deployment": {
      const desired = getNumber(obj, ["spec", "replicas"]) ?? 1;
      if (desired === 0 && hasLabel(labelsOf(obj), forbidden)) {
        return { ready: true, reason: "held at 0 replicas until the handoff" };
      }
      return verdict(
        [
          generationLag(obj),
          s("updatedReplicas") < desired ? `${s("updatedReplicas")}/${desired} updated` : undefined,
          s("replicas") > s("updatedReplicas")
            ? `${s("replicas") - s("updatedReplicas")} old replicas pending termination`
            : undefined,
          s("availableReplicas") < desired ? `${s("availableReplicas")}/${desired} available` : undefined,
        ],
        obj,
      );
    }
    case "StatefulSet": {
      const desired = getNumber(obj, ["spec", "replicas"]) ?? 1;
      return verdict(
        [
          generationLag(obj),
          s("readyReplicas") < desired ? `${s("readyReplicas")}/${desired} ready` : undefined,
          s("updatedReplicas") < desired ? `${s("updatedReplicas")}/${desired} updated` : undefined,
          getNumber(obj, ["status", "availableReplicas"]) !== undefined && s("availableReplicas") < desired
            ? `${s("availableReplicas")}/${desired} available`
            : undefined,
        ],
        obj,
      );
    }
    case "DaemonSet": {
      const desired = s("desiredNumberScheduled");
      return verdict(
        [
          generationLag(obj),
          s("updatedNumberScheduled") < desired
            ? `${s("updatedNumberScheduled")}/${desired} updated`
            : undefined,
          s("numberAvailable") < desired ? `${s("numberAvailable")}/${desired} available` : undefined,
        ],
        obj,
      );
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown workload kind ${String(never)}`);
    }
  }
}

export async function assessCluster(
  client: ClusterClient,
  excludedNamespaces: readonly string[],
  forbidden: LabelPair,
): Promise<{ ready: number; total: number; notReady: string[] }> {
  const kinds: Array<[WorkloadKind, (typeof GVR)[keyof typeof GVR]]> = [
    ["Deployment", GVR.deployments],
    ["StatefulSet", GVR.statefulsets],
    ["DaemonSet", GVR.daemonsets],
  ];
  const lists = await Promise.all(
    kinds.map(async ([kind, gvr]) => ({
      kind,
      items: await listObjects(client, gvr, { excludeNamespaces: excludedNamespaces }),
    })),
  );
  let ready = 0;
  let total = 0;
  const notReady: string[] = [];
  for (const { kind, items } of lists) {
    for (const obj of items) {
      total += 1;
      const a = assessWorkload(kind, obj, forbidden);
      if (a.ready) ready += 1;
      else notReady.push(`${kind} ${refString(refOf(obj))}: ${a.reason}`);
    }
  }
  notReady.sort();
  return { ready, total, notReady };
}

export async function waitReady(
  target: ClusterClient,
  ctx: EnvContext,
  progress: ProgressFn,
  signal: AbortSignal,
  clock: Clock,
  pollMs: number,
): Promise<ReadinessReport> {
  const forbidden = parseLabel(ctx.env.duplicationForbiddenLabel);
  const deadline = clock.now() + ctx.env.readinessTimeoutMinutes * 60_000;
  for (;;) {
    throwIfAborted(signal, "wait-ready");
    const report = await assessCluster(target, ctx.env.excludedNamespaces, forbidden);
    progress(report.ready, report.total, "workloads");
    if (report.notReady.length === 0 || clock.now() >= deadline) return report;
    await clock.sleep(pollMs, signal);
  }
}
