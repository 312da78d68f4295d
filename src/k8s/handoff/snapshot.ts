// The original state of every duplication-forbidden resource on both clusters, taken once before the
// handoff changes anything, so the handoff knows what ran where and the rollback can write it back exactly.

import type { ForbiddenSnapshot } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { forbiddenSelector, type LabelPair } from "../labels.js";
import { GVR, listObjects } from "../listing.js";
import { getBool, getNumber, getString, labelsOf, refOf } from "../objects.js";
import { key } from "./common.js";
import { missedRunPolicy } from "./schedule.js";

type CronState = { suspend: boolean; startingDeadlineSeconds: number | null };
type CronSchedule = Pick<ForbiddenSnapshot["cronJobs"][number], "schedule" | "timeZone" | "missedRun">;

function cronSchedules(objects: readonly unknown[]): Map<string, CronSchedule> {
  const out = new Map<string, CronSchedule>();
  for (const o of objects) {
    const r = refOf(o);
    const s: CronSchedule = {};
    if (missedRunPolicy(labelsOf(o)) === "run-once") s.missedRun = "run-once";
    const schedule = getString(o, ["spec", "schedule"]);
    const timeZone = getString(o, ["spec", "timeZone"]);
    if (schedule) s.schedule = schedule;
    if (timeZone) s.timeZone = timeZone;
    out.set(key(r.namespace, r.name), s);
  }
  return out;
}

function cronStates(objects: readonly unknown[]): Map<string, CronState> {
  const out = new Map<string, CronState>();
  for (const o of objects) {
    const r = refOf(o);
    out.set(key(r.namespace, r.name), {
      suspend: getBool(o, ["spec", "suspend"]) === true,
      startingDeadlineSeconds: getNumber(o, ["spec", "startingDeadlineSeconds"]) ?? null,
    });
  }
  return out;
}

function replicaCounts(objects: readonly unknown[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of objects) {
    const r = refOf(o);
    out.set(key(r.namespace, r.name), getNumber(o, ["spec", "replicas"]) ?? 1);
  }
  return out;
}

function split(k: string): { namespace: string; name: string } {
  const at = k.indexOf("/");
  return { namespace: k.slice(0, at), name: k.slice(at + 1) };
}

/** Pure: builds the snapshot from both sides' listed objects. */
export function buildSnapshot(
  takenAt: number,
  lists: { sourceCron: unknown[]; targetCron: unknown[]; sourceDeploy: unknown[]; targetDeploy: unknown[] },
): ForbiddenSnapshot {
  const sc = cronStates(lists.sourceCron);
  const tc = cronStates(lists.targetCron);
  const ss = cronSchedules(lists.sourceCron);
  const ts = cronSchedules(lists.targetCron);
  const sd = replicaCounts(lists.sourceDeploy);
  const td = replicaCounts(lists.targetDeploy);
  const cronKeys = [...new Set([...sc.keys(), ...tc.keys()])].sort();
  const deployKeys = [...new Set([...sd.keys(), ...td.keys()])].sort();
  return {
    takenAt,
    cronJobs: cronKeys.map((k) => ({
      ...split(k),
      source: sc.get(k) ?? null,
      target: tc.get(k) ?? null,
      // The source's schedule is the one that ran; the target's copy is the same definition.
      ...(ss.get(k) ?? ts.get(k) ?? {}),
    })),
    deployments: deployKeys.map((k) => ({
      ...split(k),
      sourceReplicas: sd.get(k) ?? null,
      targetReplicas: td.get(k) ?? null,
    })),
  };
}

export async function takeForbiddenSnapshot(
  source: ClusterClient,
  target: ClusterClient,
  forbidden: LabelPair,
  excludedNamespaces: readonly string[],
  now: number,
): Promise<ForbiddenSnapshot> {
  const opts = { labelSelector: forbiddenSelector(forbidden), excludeNamespaces: excludedNamespaces };
  const [sourceCron, targetCron, sourceDeploy, targetDeploy] = await Promise.all([
    listObjects(source, GVR.cronjobs, opts),
    listObjects(target, GVR.cronjobs, opts),
    listObjects(source, GVR.deployments, opts),
    listObjects(target, GVR.deployments, opts),
  ]);
  return buildSnapshot(now, { sourceCron, targetCron, sourceDeploy, targetDeploy });
}
