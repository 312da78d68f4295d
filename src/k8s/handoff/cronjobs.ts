// CronJob reads and writes used by the handoff, each one request through the cluster's policy.

import type { V1CronJob } from "@kubernetes/client-node";
import type { ClusterClient } from "../clusterRegistry.js";
import { getArray, getBool, getNumber, getTime, rfc3339 } from "../objects.js";
import { isConflict, isNotFound, statusOf } from "../requestPolicy.js";
import { key, mergePatch } from "./common.js";

export interface CronView {
  suspend: boolean;
  startingDeadlineSeconds: number | null;
  active: number;
  lastScheduleMs?: number;
  resourceVersion?: string;
}

export function viewOf(cj: V1CronJob): CronView {
  const v: CronView = {
    suspend: getBool(cj, ["spec", "suspend"]) === true,
    startingDeadlineSeconds: getNumber(cj, ["spec", "startingDeadlineSeconds"]) ?? null,
    active: getArray(cj, ["status", "active"]).length,
  };
  const lst = getTime(cj, ["status", "lastScheduleTime"]);
  if (lst !== undefined) v.lastScheduleMs = lst;
  if (cj.metadata?.resourceVersion) v.resourceVersion = cj.metadata.resourceVersion;
  return v;
}

export async function readCron(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<V1CronJob | undefined> {
  try {
    return await client.policy.call(`${client.name}: get cronjob ${key(namespace, name)}`, () =>
      client.batch.readNamespacedCronJob({ namespace, name }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Suspends with the stop moment as an annotation in the same merge patch, so the moment cannot be lost
 * without the suspend being lost too. No precondition: suspending is always safe.
 */
export async function stopCron(
  client: ClusterClient,
  namespace: string,
  name: string,
  /** Called as each attempt is sent (after any wait for the rate limit), so the mark is the send time. */
  annotations: () => Record<string, string>,
): Promise<V1CronJob | undefined> {
  try {
    return await client.policy.call(`${client.name}: suspend cronjob ${key(namespace, name)}`, () =>
      client.batch.patchNamespacedCronJob(
        { namespace, name, body: { metadata: { annotations: annotations() }, spec: { suspend: true } } },
        mergePatch,
      ),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** `suspend: true` needs no precondition: suspending is always safe and idempotent. */
export async function suspendCron(client: ClusterClient, namespace: string, name: string): Promise<boolean> {
  try {
    await client.policy.call(`${client.name}: suspend cronjob ${key(namespace, name)}`, () =>
      client.batch.patchNamespacedCronJob({ namespace, name, body: { spec: { suspend: true } } }, mergePatch),
    );
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Sets `spec` fields with the object's resourceVersion as precondition; a 409 re-reads and re-decides.
 * Returns the object as written (or as found when nothing had to change), undefined if it is gone.
 */
export async function setCronSpec(
  client: ClusterClient,
  namespace: string,
  name: string,
  want: { suspend: boolean; startingDeadlineSeconds?: number | null },
  initial?: V1CronJob,
  /** Written in the same patch (the start mark), only when the spec has to change; called as it is sent. */
  annotations?: () => Record<string, string>,
): Promise<V1CronJob | undefined> {
  const { current, written } = await client.policy.update<V1CronJob | undefined, V1CronJob>(
    `${client.name}: set cronjob ${key(namespace, name)} suspend=${want.suspend}`,
    () => readCron(client, namespace, name),
    (cur) => {
      if (cur === undefined) return undefined;
      const v = viewOf(cur);
      const sdsWanted = want.startingDeadlineSeconds;
      const sdsOk = sdsWanted === undefined || v.startingDeadlineSeconds === sdsWanted;
      if (v.suspend === want.suspend && sdsOk) return undefined;
      const spec: Record<string, unknown> = { suspend: want.suspend };
      if (sdsWanted !== undefined) spec.startingDeadlineSeconds = sdsWanted; // null removes the field
      return () => {
        const body = {
          metadata: {
            resourceVersion: v.resourceVersion,
            ...(annotations ? { annotations: annotations() } : {}),
          },
          spec,
        };
        return client.batch.patchNamespacedCronJob({ namespace, name, body }, mergePatch);
      };
    },
    initial !== undefined ? { initial } : {},
  );
  return written ?? current;
}

export type CarryResult = "carried" | "not-needed" | "unsupported";

/**
 * Writes `status.lastScheduleTime` (status subresource) so the controller counts missed schedules from
 * there, not from the restored object's creation. "unsupported" when the server refuses it or drops it.
 */
export async function carryLastSchedule(
  client: ClusterClient,
  cj: V1CronJob,
  lastScheduleMs: number | undefined,
  conflicts = 0,
): Promise<{ result: CarryResult; object: V1CronJob }> {
  const namespace = cj.metadata?.namespace ?? "";
  const name = cj.metadata?.name ?? "";
  if (lastScheduleMs === undefined) return { result: "not-needed", object: cj };
  const wanted = Math.floor(lastScheduleMs / 1000) * 1000;
  const have = viewOf(cj).lastScheduleMs;
  if (have !== undefined && have >= wanted) return { result: "not-needed", object: cj };
  try {
    const written = await client.policy.call(
      `${client.name}: carry lastScheduleTime ${key(namespace, name)}`,
      () =>
        client.batch.patchNamespacedCronJobStatus(
          { namespace, name, body: { status: { lastScheduleTime: rfc3339(wanted) } } },
          mergePatch,
        ),
    );
    const after = viewOf(written).lastScheduleMs;
    return { result: after !== undefined && after >= wanted ? "carried" : "unsupported", object: written };
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404 || status === 405 || status === 415 || status === 422) {
      return { result: "unsupported", object: cj };
    }
    // A conflicting write (the controller's own status update): decide again from a fresh read.
    if (isConflict(err) && conflicts < 3) {
      const fresh = await readCron(client, namespace, name);
      if (fresh !== undefined) return carryLastSchedule(client, fresh, lastScheduleMs, conflicts + 1);
    }
    throw err;
  }
}
