// The guard between handoff and decommission: any duplication-forbidden resource that is active on the
// source again (a GitOps controller, a person, a script) is stopped at once, and the field manager of the
// change is named from managedFields. Every call is one list per kind plus one patch per offender, so it
// is cheap enough to run every few seconds.

import type { GuardStop } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { forbiddenSelector, type LabelPair } from "../labels.js";
import { GVR, listObjects } from "../listing.js";
import { mergePatch } from "../mergePatch.js";
import { getBool, getNumber, getString, refOf } from "../objects.js";
import { isNotFound } from "../requestPolicy.js";
import { lastWriter } from "./fieldManager.js";
import { GUARD_FIELD_MANAGER } from "./patch.js";

export interface Offender {
  kind: "CronJob" | "Deployment";
  namespace: string;
  name: string;
  resourceVersion: string;
  manager: string;
}

/** Pure: the listed forbidden objects that run (or would run) again, with who changed them. */
export function offenders(cronJobs: readonly unknown[], deployments: readonly unknown[]): Offender[] {
  const rv = (o: unknown) => getString(o, ["metadata", "resourceVersion"]) ?? "";
  return [
    ...cronJobs
      .filter((c) => getBool(c, ["spec", "suspend"]) !== true)
      .map((c) => ({
        kind: "CronJob" as const,
        ...refOf(c),
        resourceVersion: rv(c),
        manager: lastWriter(c, ["f:spec", "f:suspend"]),
      })),
    ...deployments
      .filter((d) => (getNumber(d, ["spec", "replicas"]) ?? 1) > 0)
      .map((d) => ({
        kind: "Deployment" as const,
        ...refOf(d),
        resourceVersion: rv(d),
        manager: lastWriter(d, ["f:spec", "f:replicas"]),
      })),
  ];
}

export async function guardForbidden(
  source: ClusterClient,
  forbidden: LabelPair,
  excludedNamespaces: readonly string[],
  now: () => number,
): Promise<GuardStop[]> {
  const opts = { labelSelector: forbiddenSelector(forbidden), excludeNamespaces: excludedNamespaces };
  const [cronJobs, deployments] = await Promise.all([
    listObjects(source, GVR.cronjobs, opts),
    listObjects(source, GVR.deployments, opts),
  ]);
  const stops: GuardStop[] = [];
  for (const o of offenders(cronJobs, deployments)) {
    const args = { namespace: o.namespace, name: o.name, fieldManager: GUARD_FIELD_MANAGER };
    try {
      await source.policy.call<unknown>(
        `${source.name}: guard stops ${o.kind} ${o.namespace}/${o.name}`,
        () =>
          o.kind === "CronJob"
            ? source.batch.patchNamespacedCronJob({ ...args, body: { spec: { suspend: true } } }, mergePatch)
            : source.apps.patchNamespacedDeployment({ ...args, body: { spec: { replicas: 0 } } }, mergePatch),
      );
    } catch (err) {
      if (isNotFound(err)) continue; // deleted meanwhile: nothing runs
      throw err;
    }
    stops.push({
      resource: `${o.kind} ${o.namespace}/${o.name}`,
      manager: o.manager,
      resourceVersion: o.resourceVersion,
      at: now(),
    });
  }
  return stops;
}
