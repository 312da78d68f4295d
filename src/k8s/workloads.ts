// Decommission of the source: record every Deployment/StatefulSet's replicas (from the lists, once), scale
// each to 0 with one PATCH, and mark the cluster retired with one ConfigMap `kube-public/hikkoshi-retired`
// (readable by anyone, one object to create and delete, no change to the teams' namespaces). Revert scales
// back and removes the marker.

import type { EnvContext, ProgressFn, WorkloadSnapshot } from "../migration/ports.js";
import type { ClusterClient } from "./clusterRegistry.js";
import { checkPool, key } from "./handoff/common.js";
import { runPool } from "./handoff/pool.js";
import { labelValue, MIGRATION_LABEL } from "./labels.js";
import { GVR, listObjects } from "./listing.js";
import { mergePatch } from "./mergePatch.js";
import { getNumber, refOf } from "./objects.js";
import { isConflict, isNotFound } from "./requestPolicy.js";

export const RETIRED_MARKER = { namespace: "kube-public", name: "hikkoshi-retired" } as const;

type Workload = WorkloadSnapshot["workloads"][number];

export async function snapshotWorkloads(
  source: ClusterClient,
  excluded: readonly string[],
  now: number,
): Promise<WorkloadSnapshot> {
  const [deploys, sts] = await Promise.all([
    listObjects(source, GVR.deployments, { excludeNamespaces: excluded }),
    listObjects(source, GVR.statefulsets, { excludeNamespaces: excluded }),
  ]);
  const entry = (kind: Workload["kind"], o: unknown): Workload => ({
    kind,
    ...refOf(o),
    replicas: getNumber(o, ["spec", "replicas"]) ?? 1,
  });
  return {
    takenAt: now,
    workloads: [...deploys.map((d) => entry("Deployment", d)), ...sts.map((s) => entry("StatefulSet", s))],
  };
}

/**
 * One merge PATCH of `spec.replicas`, read back from its own response. Unconditional on purpose: the count
 * the step wants does not depend on what is there now, so a retry (or a second run) converges without a
 * GET first. A workload deleted meanwhile (404) has nothing left to scale.
 */
export async function scaleWorkload(client: ClusterClient, w: Workload, replicas: number): Promise<void> {
  const args = { namespace: w.namespace, name: w.name, body: { spec: { replicas } } };
  let back: unknown;
  try {
    back = await client.policy.call(
      `${client.name}: scale ${w.kind} ${key(w.namespace, w.name)} to ${replicas}`,
      () =>
        w.kind === "Deployment"
          ? client.apps.patchNamespacedDeployment(args, mergePatch)
          : client.apps.patchNamespacedStatefulSet(args, mergePatch),
    );
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const now = getNumber(back, ["spec", "replicas"]) ?? 1;
  if (now !== replicas) throw new Error(`read back shows ${now} replicas, not ${replicas}`);
}

async function scaleAll(
  source: ClusterClient,
  ctx: EnvContext,
  workloads: readonly Workload[],
  to: (w: Workload) => number,
  progress: ProgressFn,
  what: string,
): Promise<void> {
  let done = 0;
  progress(0, workloads.length, "workloads");
  const result = await runPool(workloads, ctx.env.handoff.concurrency, async (w) => {
    await scaleWorkload(source, w, to(w));
    progress(++done, workloads.length, "workloads");
  });
  checkPool(what, result, (w) => `${w.kind} ${key(w.namespace, w.name)}`);
}

export async function decommission(
  source: ClusterClient,
  ctx: EnvContext,
  snapshot: WorkloadSnapshot,
  progress: ProgressFn,
  now: number,
): Promise<void> {
  await scaleAll(source, ctx, snapshot.workloads, () => 0, progress, `scaling ${source.name} to 0`);
  const body = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { ...RETIRED_MARKER, labels: { [MIGRATION_LABEL]: labelValue(ctx.migrationId) } },
    data: {
      migrationId: ctx.migrationId,
      environment: ctx.envName,
      replacedBy: ctx.target.name,
      retiredAt: new Date(now).toISOString(),
      workloadsScaledToZero: String(snapshot.workloads.length),
    },
  };
  try {
    await source.policy.call(`${source.name}: create retired marker`, () =>
      source.core.createNamespacedConfigMap({ namespace: RETIRED_MARKER.namespace, body }),
    );
  } catch (err) {
    if (!isConflict(err)) throw err; // already marked (a retry): keep the first marker
  }
}

export async function revertDecommission(
  source: ClusterClient,
  ctx: EnvContext,
  snapshot: WorkloadSnapshot,
  progress: ProgressFn,
): Promise<void> {
  await scaleAll(source, ctx, snapshot.workloads, (w) => w.replicas, progress, `scaling ${source.name} back`);
  try {
    await source.policy.call(`${source.name}: delete retired marker`, () =>
      source.core.deleteNamespacedConfigMap({ ...RETIRED_MARKER }),
    );
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
