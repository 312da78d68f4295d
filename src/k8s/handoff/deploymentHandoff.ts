// Handoff of duplication-forbidden Deployments (singletons that must never run twice): scale the source to
// 0, wait until no pod remains, then scale the target to the replicas the source had. Revert mirrors it.

import type { V1Deployment } from "@kubernetes/client-node";
import type { ForbiddenSnapshot, ProgressFn } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { mergePatch } from "../mergePatch.js";
import { getNumber } from "../objects.js";
import { isNotFound } from "../requestPolicy.js";
import { checkPool, type Gap, type HandoffDeps, HandoffError, key } from "./common.js";
import { drain } from "./drain.js";
import { markValue, readMark, STARTED_ANNOTATION, STOPPED_ANNOTATION } from "./marks.js";
import { runPool } from "./pool.js";

type Entry = ForbiddenSnapshot["deployments"][number];

const label = (e: Entry) => `Deployment ${key(e.namespace, e.name)}`;

export async function readDeployment(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<V1Deployment | undefined> {
  try {
    return await client.policy.call(`${client.name}: get deployment ${key(namespace, name)}`, () =>
      client.apps.readNamespacedDeployment({ namespace, name }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const specReplicas = (d: V1Deployment): number => getNumber(d, ["spec", "replicas"]) ?? 1;

/** No pod left: scaled to 0 and the controller reports 0 replicas at the current generation. */
export function podsGone(d: V1Deployment): boolean {
  const generation = getNumber(d, ["metadata", "generation"]) ?? 0;
  const observed = getNumber(d, ["status", "observedGeneration"]) ?? 0;
  const n = (f: string) => getNumber(d, ["status", f]) ?? 0;
  return specReplicas(d) === 0 && observed >= generation && n("replicas") === 0 && n("readyReplicas") === 0;
}

/** Sets `spec.replicas` with the resourceVersion as precondition (409 → fresh read). */
export async function scaleTo(
  client: ClusterClient,
  namespace: string,
  name: string,
  replicas: number,
  initial?: V1Deployment,
  /** Written in the same patch (the handoff's stop/start marks) when the scale has to change; called as sent. */
  annotations?: () => Record<string, string>,
): Promise<V1Deployment | undefined> {
  const { current, written } = await client.policy.update<V1Deployment | undefined, V1Deployment>(
    `${client.name}: scale deployment ${key(namespace, name)} to ${replicas}`,
    () => readDeployment(client, namespace, name),
    (cur) => {
      if (cur === undefined || specReplicas(cur) === replicas) return undefined;
      return () => {
        const metadata = {
          resourceVersion: cur.metadata?.resourceVersion,
          ...(annotations ? { annotations: annotations() } : {}),
        };
        const body = { metadata, spec: { replicas } };
        return client.apps.patchNamespacedDeployment({ namespace, name, body }, mergePatch);
      };
    },
    initial !== undefined ? { initial } : {},
  );
  return written ?? current;
}

export async function handoffDeployments(
  deps: HandoffDeps,
  entries: readonly Entry[],
  progress: ProgressFn,
  signal: AbortSignal,
): Promise<{ moved: number; gaps: Gap[] }> {
  const { source, target, clock } = deps;
  let done = 0;
  progress(0, entries.length, "Deployments");
  const missing = entries.filter((e) => (e.sourceReplicas ?? 0) > 0 && e.targetReplicas === null);
  if (missing.length > 0) {
    throw new HandoffError(
      `${missing.length} forbidden Deployment(s) have no copy on ${target.name}: ${missing.map(label).join(", ")}`,
      missing.map(label),
    );
  }
  // One Deployment at a time through the pool: its gap is its own pods' termination, not everyone's.
  const gaps: Gap[] = [];
  const busy: Array<{ e: Entry; why: string }> = [];
  const moveOne = async (e: Entry) => {
    if (e.sourceReplicas === null) {
      progress(++done, entries.length, "Deployments");
      return;
    }
    let at = clock.now();
    const d = await scaleTo(source, e.namespace, e.name, 0, undefined, () => {
      at = clock.now();
      return { [STOPPED_ANNOTATION]: markValue(deps.migrationId, at) };
    });
    // Already at 0 from an earlier attempt: its mark is the true stop moment.
    const stoppedAt = (d && readMark(d, STOPPED_ANNOTATION, deps.migrationId)) ?? at;
    for (;;) {
      const cur = await readDeployment(source, e.namespace, e.name);
      if (cur === undefined || podsGone(cur)) break;
      if (specReplicas(cur) !== 0)
        throw new Error(`was scaled up again on ${source.name} during the handoff`);
      if (clock.now() - stoppedAt >= deps.activeJobsTimeoutMs) {
        busy.push({ e, why: `${getNumber(cur, ["status", "replicas"]) ?? 0} pod(s) left` });
        return;
      }
      await clock.sleep(deps.drainPollMs);
    }
    const want = e.sourceReplicas;
    if (want > 0) {
      const before = await readDeployment(target, e.namespace, e.name);
      if (before === undefined) throw new Error(`has no copy on ${target.name}`);
      let startedAt = readMark(before, STARTED_ANNOTATION, deps.migrationId);
      if (specReplicas(before) !== want) {
        let at = clock.now();
        await scaleTo(target, e.namespace, e.name, want, before, () => {
          at = clock.now();
          return { [STARTED_ANNOTATION]: markValue(deps.migrationId, at) };
        });
        startedAt = at;
        const back = await readDeployment(target, e.namespace, e.name);
        if (back === undefined || specReplicas(back) !== want)
          throw new Error(`read back on ${target.name} differs`);
      }
      if (startedAt !== undefined) {
        gaps.push({ resource: label(e), gapMs: startedAt - stoppedAt, stoppedAt, startedAt });
      }
    }
    progress(++done, entries.length, "Deployments");
  };
  const result = await runPool(entries, deps.concurrency, moveOne, signal);
  checkPool("handing over forbidden Deployments", result, label, signal);
  if (busy.length > 0) {
    throw new HandoffError(
      `${busy.length} Deployment(s) still have pods on ${source.name}: ` +
        busy
          .map((b) => `${label(b.e)} (${b.why})`)
          .slice(0, 20)
          .join(", "),
      busy.map((b) => label(b.e)),
    );
  }
  return { moved: done, gaps };
}

export async function revertDeployments(
  deps: HandoffDeps,
  entries: readonly Entry[],
  progress: ProgressFn,
): Promise<void> {
  const { source, target, clock } = deps;
  let done = 0;
  progress(0, entries.length, "Deployments");
  // While the source will run again, the target must be at 0 first.
  const safeTarget = (e: Entry) => ((e.sourceReplicas ?? 0) > 0 ? 0 : (e.targetReplicas ?? 0));
  const pass1 = await runPool(
    entries.filter((e) => e.targetReplicas !== null),
    deps.concurrency,
    async (e) => {
      await scaleTo(target, e.namespace, e.name, safeTarget(e));
    },
  );
  checkPool("scaling forbidden Deployments down on the target", pass1, label);
  const drained = await drain<Entry, undefined>({
    items: entries,
    check: async (e) => {
      if (e.targetReplicas === null || (e.sourceReplicas ?? 0) === 0) return { quiet: true, data: undefined };
      const d = await readDeployment(target, e.namespace, e.name);
      if (d === undefined || podsGone(d)) return { quiet: true, data: undefined };
      return {
        quiet: false,
        data: undefined,
        why: `${getNumber(d, ["status", "replicas"]) ?? 0} pod(s) left`,
      };
    },
    onQuiet: async (e) => {
      if (e.sourceReplicas !== null) await scaleTo(source, e.namespace, e.name, e.sourceReplicas);
      if (e.targetReplicas !== null && safeTarget(e) !== e.targetReplicas && (e.sourceReplicas ?? 0) === 0) {
        await scaleTo(target, e.namespace, e.name, e.targetReplicas);
      }
      progress(++done, entries.length, "Deployments");
    },
    concurrency: deps.concurrency,
    timeoutMs: deps.activeJobsTimeoutMs,
    pollMs: deps.drainPollMs,
    clock,
  });
  checkPool(
    "restoring forbidden Deployments on the source",
    { started: entries.length, failures: drained.failures, aborted: false },
    label,
  );
  if (drained.busy.length > 0) {
    throw new HandoffError(
      `${drained.busy.length} Deployment(s) still have pods on ${target.name}; their source copies stay at 0: ` +
        drained.busy
          .map((b) => label(b.item))
          .slice(0, 20)
          .join(", "),
      drained.busy.map((b) => label(b.item)),
    );
  }
}
