// Reads one cluster's GitOps picture: its Argo CD / Flux controller objects (through the versions it
// serves) and the resources the migration changes there, as data for `assessGitOps`.

import type { ClusterClient } from "../clusterRegistry.js";
import { forbiddenSelector, hasLabel, type LabelPair } from "../labels.js";
import { GVR, listObjects } from "../listing.js";
import { getStringMap, refOf } from "../objects.js";
import type { ManagedResource, Side, SideView } from "./assess.js";
import { GITOPS_KINDS, type GitOpsObject, gvrOf, readGitOpsObject } from "./controllers.js";

export interface ReadOptions {
  side: Side;
  forbidden: LabelPair;
  excludedNamespaces: readonly string[];
}

function managed(kind: ManagedResource["kind"], obj: unknown, forbidden: LabelPair): ManagedResource {
  const labels = getStringMap(obj, ["metadata", "labels"]);
  return {
    kind,
    ...refOf(obj),
    labels,
    annotations: getStringMap(obj, ["metadata", "annotations"]),
    forbidden: hasLabel(labels, forbidden),
  };
}

/** The controller objects of every GitOps kind the cluster serves (403 propagates: preflight names it). */
export async function readControllers(client: ClusterClient): Promise<GitOpsObject[]> {
  const { preferred } = await client.discovery();
  const lists = await Promise.all(
    GITOPS_KINDS.map(async (kind) => {
      const gvr = gvrOf(kind, preferred);
      if (!gvr) return [];
      return (await listObjects(client, gvr)).map((o) => readGitOpsObject(kind, o));
    }),
  );
  return lists.flat();
}

export async function readSide(client: ClusterClient, opts: ReadOptions): Promise<SideView> {
  const exclude = { excludeNamespaces: opts.excludedNamespaces };
  const forbiddenOnly = { ...exclude, labelSelector: forbiddenSelector(opts.forbidden) };
  // The source's every workload counts (decommission scales them all); the target's only forbidden ones.
  const workloads = opts.side === "source" ? exclude : forbiddenOnly;
  const [controllers, cronJobs, deployments, statefulSets] = await Promise.all([
    readControllers(client),
    listObjects(client, GVR.cronjobs, forbiddenOnly),
    listObjects(client, GVR.deployments, workloads),
    opts.side === "source" ? listObjects(client, GVR.statefulsets, exclude) : Promise.resolve([]),
  ]);
  return {
    side: opts.side,
    controllers,
    resources: [
      ...cronJobs.map((o) => managed("CronJob", o, opts.forbidden)),
      ...deployments.map((o) => managed("Deployment", o, opts.forbidden)),
      ...statefulSets.map((o) => managed("StatefulSet", o, opts.forbidden)),
    ],
  };
}
