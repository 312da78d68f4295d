// Pausing and resuming GitOps controllers: one merge patch per controller, read first so a retried step
// changes only what is not yet as wanted, and read back so the result is proven, not assumed.

import type { GitOpsPause, GitOpsState } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { mergePatch } from "../mergePatch.js";
import { isNotFound } from "../requestPolicy.js";
import { errorMessage } from "../runtime.js";
import { GITOPS_GROUPS, gvrOf, hasOriginal, isPaused, pausePatch, restorePatch } from "./controllers.js";
import { controllerString } from "./tracking.js";

export type Direction = "pause" | "resume";

function coordsOf(client: ClusterClient, p: GitOpsPause) {
  return client.discovery().then(({ preferred }) => {
    const g = GITOPS_GROUPS[p.kind];
    const gvr = gvrOf(p.kind, preferred) ?? { group: g.group, version: g.fallbackVersion, plural: g.plural };
    return { ...gvr, namespace: p.namespace, name: p.name };
  });
}

async function readOne(
  client: ClusterClient,
  coords: Awaited<ReturnType<typeof coordsOf>>,
): Promise<unknown | undefined> {
  try {
    return await client.custom.getNamespacedCustomObject(coords);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function patchOne(client: ClusterClient, p: GitOpsPause, direction: Direction): Promise<boolean> {
  const coords = await coordsOf(client, p);
  const what = `${client.name}: ${direction} ${controllerString(p)}`;
  const done = (cur: unknown) => (direction === "pause" ? isPaused(p.kind, cur) : hasOriginal(p, cur));
  const { written } = await client.policy.update<unknown | undefined, unknown>(
    what,
    () => readOne(client, coords),
    (cur) => {
      // Gone (deleted in Git, or the cluster was rebuilt): nothing left that could fight the migration.
      if (cur === undefined || done(cur)) return undefined;
      const body = direction === "pause" ? pausePatch(p) : restorePatch(p, cur);
      return () => client.custom.patchNamespacedCustomObject({ ...coords, body }, mergePatch);
    },
  );
  if (written !== undefined && !done(written)) {
    throw new Error(`${what}: read back differs after the patch (is an admission webhook changing it?)`);
  }
  return written !== undefined;
}

/** Pauses or resumes each controller on its side; returns those it changed. Fails listing every failure. */
export async function applyGitOps(
  clients: { source: ClusterClient; target: ClusterClient },
  pauses: readonly GitOpsPause[],
  direction: Direction,
): Promise<string[]> {
  // Tens of objects at most; each client's request policy bounds the concurrency.
  const results = await Promise.allSettled(
    pauses.map(async (p) => {
      const client = p.side === "source" ? clients.source : clients.target;
      return (await patchOne(client, p, direction)) ? `${controllerString(p)} on ${client.name}` : undefined;
    }),
  );
  const failures = results.flatMap((r, i) =>
    r.status === "rejected" ? [`${controllerString(pauses[i]!)}: ${errorMessage(r.reason)}`] : [],
  );
  if (failures.length > 0) {
    throw new Error(`${direction} of ${failures.length} GitOps controller(s) failed: ${failures.join("; ")}`);
  }
  return results.flatMap((r) => (r.status === "fulfilled" && r.value !== undefined ? [r.value] : [])).sort();
}

/** Each controller as it is now, against its pause (read-only; for the steps' verify). */
export async function readStates(
  clients: { source: ClusterClient; target: ClusterClient },
  pauses: readonly GitOpsPause[],
): Promise<GitOpsState[]> {
  return Promise.all(
    pauses.map(async (p): Promise<GitOpsState> => {
      const client = p.side === "source" ? clients.source : clients.target;
      const coords = await coordsOf(client, p);
      const cur = await client.policy.call(`${client.name}: get ${controllerString(p)}`, () =>
        readOne(client, coords),
      );
      if (cur === undefined) return { pause: p, state: "gone" };
      if (isPaused(p.kind, cur)) return { pause: p, state: "paused" };
      return { pause: p, state: hasOriginal(p, cur) ? "original" : "changed" };
    }),
  );
}
