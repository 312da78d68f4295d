// CronJob reads and writes used by the handoff, each one request through the cluster's policy, as plain
// wire JSON (a get, a list and a patch answer alike; `viewOf` reads them by path).

import type { ClusterClient } from "../clusterRegistry.js";
import { collectionPath, GVR, listObjects } from "../listing.js";
import { getArray, getBool, getNumber, getString, getTime, rfc3339 } from "../objects.js";
import { isConflict, isNotFound, statusOf } from "../requestPolicy.js";
import { key } from "./common.js";

/** The CronJob's API path (`/status` for its status subresource). */
const cronPath = (namespace: string, name: string, sub = "") =>
  `${collectionPath(GVR.cronjobs, namespace)}/${encodeURIComponent(name)}${sub}`;

/** How a CronJob is named in messages and reports. */
export const cronLabel = (e: { namespace: string; name: string }) => `CronJob ${key(e.namespace, e.name)}`;

/** A merge patch of the CronJob, answered as the wire object (the handoff's writes: thousands of them). */
const patchCron = (client: ClusterClient, namespace: string, name: string, body: unknown) =>
  client.rawMergePatch(cronPath(namespace, name), body) as Promise<CronObject>;

export interface CronView {
  suspend: boolean;
  startingDeadlineSeconds: number | null;
  active: number;
  lastScheduleMs?: number;
  /**
   * Where the CronJob controller counts missed schedules from on an unsuspend: lastScheduleTime, else
   * creationTimestamp (cronjob_controllerv2's mostRecentScheduleTime). A copy restored after the last
   * schedule it must not repeat needs no lastScheduleTime carried.
   */
  countsFromMs?: number;
  resourceVersion?: string;
}

/** A CronJob as read or written: the wire JSON the API server answered. */
export type CronObject = object;

export function viewOf(cj: unknown): CronView {
  const v: CronView = {
    suspend: getBool(cj, ["spec", "suspend"]) === true,
    startingDeadlineSeconds: getNumber(cj, ["spec", "startingDeadlineSeconds"]) ?? null,
    active: getArray(cj, ["status", "active"]).length,
  };
  const lst = getTime(cj, ["status", "lastScheduleTime"]);
  if (lst !== undefined) v.lastScheduleMs = lst;
  const countsFrom = lst ?? getTime(cj, ["metadata", "creationTimestamp"]);
  if (countsFrom !== undefined) v.countsFromMs = countsFrom;
  const rv = getString(cj, ["metadata", "resourceVersion"]);
  if (rv) v.resourceVersion = rv;
  return v;
}

/**
 * Every CronJob carrying the label selector, cluster-wide (one request per 500), by `namespace/name`:
 * the batched read that replaces a get per CronJob. Excluded namespaces are dropped client-side.
 */
export async function listCronJobs(
  client: ClusterClient,
  labelSelector: string,
  excludeNamespaces: readonly string[],
): Promise<Map<string, CronObject>> {
  const items = await listObjects(client, GVR.cronjobs, { labelSelector, excludeNamespaces });
  const out = new Map<string, CronObject>();
  for (const o of items) {
    const ns = getString(o, ["metadata", "namespace"]);
    const name = getString(o, ["metadata", "name"]);
    if (ns !== undefined && name !== undefined && typeof o === "object" && o !== null)
      out.set(key(ns, name), o);
  }
  return out;
}

export async function readCron(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<CronObject | undefined> {
  try {
    return await client.policy.call(
      `${client.name}: get cronjob ${key(namespace, name)}`,
      () => client.rawGet(cronPath(namespace, name)) as Promise<CronObject>,
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
): Promise<CronObject | undefined> {
  try {
    return await client.policy.call(`${client.name}: suspend cronjob ${key(namespace, name)}`, () =>
      patchCron(client, namespace, name, {
        metadata: { annotations: annotations() },
        spec: { suspend: true },
      }),
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
      patchCron(client, namespace, name, { spec: { suspend: true } }),
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
  initial?: CronObject,
  /** Written in the same patch (the start mark), only when the spec has to change; called as it is sent. */
  annotations?: () => Record<string, string>,
): Promise<CronObject | undefined> {
  const { current, written } = await client.policy.update<CronObject | undefined, CronObject>(
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
        return patchCron(client, namespace, name, body);
      };
    },
    initial !== undefined ? { initial } : {},
  );
  return written ?? current;
}

/** "changed": a 409 showed it unsuspended since it was read (another writer started it): decide again. */
export type CarryResult = "carried" | "not-needed" | "unsupported" | "changed";

/**
 * Writes `status.lastScheduleTime` (status subresource) so the controller counts missed schedules from
 * there, not from the restored object's creation. "unsupported" when the server refuses it or drops it.
 * The object's resourceVersion is the precondition: written from a stale read, an older time could undo a
 * run the controller recorded since (and make it run that schedule again), so a 409 re-reads and decides
 * again.
 */
export async function carryLastSchedule(
  client: ClusterClient,
  cj: CronObject,
  lastScheduleMs: number | undefined,
  conflicts = 0,
): Promise<{ result: CarryResult; object: CronObject }> {
  const namespace = getString(cj, ["metadata", "namespace"]) ?? "";
  const name = getString(cj, ["metadata", "name"]) ?? "";
  if (lastScheduleMs === undefined) return { result: "not-needed", object: cj };
  const wanted = Math.floor(lastScheduleMs / 1000) * 1000;
  const view = viewOf(cj);
  // The controller already counts from `wanted` or later: the write would change nothing it does.
  if (view.countsFromMs !== undefined && view.countsFromMs >= wanted) {
    return { result: "not-needed", object: cj };
  }
  const metadata = view.resourceVersion !== undefined ? { resourceVersion: view.resourceVersion } : {};
  try {
    const written = await client.policy.call(
      `${client.name}: carry lastScheduleTime ${key(namespace, name)}`,
      () =>
        client.rawMergePatch(cronPath(namespace, name, "/status"), {
          metadata,
          status: { lastScheduleTime: rfc3339(wanted) },
        }) as Promise<CronObject>,
    );
    const after = viewOf(written).lastScheduleMs;
    return { result: after !== undefined && after >= wanted ? "carried" : "unsupported", object: written };
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404 || status === 405 || status === 415 || status === 422) {
      return { result: "unsupported", object: cj };
    }
    // A conflicting write (the controller's own status update, another writer): decide from a fresh read.
    if (isConflict(err) && conflicts < 3) {
      const fresh = await readCron(client, namespace, name);
      if (fresh !== undefined) {
        if (view.suspend && !viewOf(fresh).suspend) return { result: "changed", object: fresh };
        return carryLastSchedule(client, fresh, lastScheduleMs, conflicts + 1);
      }
    }
    throw err;
  }
}
