// What a migration would move, grouped by duplication policy: forbidden = carries the configured label,
// tolerant = the rest. Secrets are not listed (hikkoshi never asks to read them; Velero moves them).

import type { InventorySummary } from "../migration/ports.js";
import type { ClusterClient } from "./clusterRegistry.js";
import { hasLabel, type LabelPair } from "./labels.js";
import { GVR, type Gvr, listObjects } from "./listing.js";
import { labelsOf, refOf, refString } from "./objects.js";

export const INVENTORY_KINDS: ReadonlyArray<{ kind: string; gvr: Gvr }> = [
  { kind: "Deployment", gvr: GVR.deployments },
  { kind: "StatefulSet", gvr: GVR.statefulsets },
  { kind: "DaemonSet", gvr: GVR.daemonsets },
  { kind: "CronJob", gvr: GVR.cronjobs },
  { kind: "Service", gvr: GVR.services },
  { kind: "Ingress", gvr: GVR.ingresses },
  { kind: "ConfigMap", gvr: GVR.configmaps },
  { kind: "PersistentVolumeClaim", gvr: GVR.pvcs },
  { kind: "ServiceAccount", gvr: GVR.serviceaccounts },
];

export interface InventoryItem {
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/** Groups listed objects by policy. Pure. */
export function summarise(items: readonly InventoryItem[], forbidden: LabelPair): InventorySummary {
  const counts: Record<string, number> = {};
  const forbiddenList: string[] = [];
  let tolerant = 0;
  for (const item of items) {
    counts[item.kind] = (counts[item.kind] ?? 0) + 1;
    if (hasLabel(item.labels, forbidden)) forbiddenList.push(`${item.kind} ${item.namespace}/${item.name}`);
    else tolerant += 1;
  }
  forbiddenList.sort();
  return { counts, forbidden: forbiddenList, tolerant };
}

export async function listInventory(
  client: ClusterClient,
  excludedNamespaces: readonly string[],
): Promise<InventoryItem[]> {
  const lists = await Promise.all(
    INVENTORY_KINDS.map(async ({ kind, gvr }) => {
      const objects = await listObjects(client, gvr, { excludeNamespaces: excludedNamespaces });
      return objects.map((o) => {
        const ref = refOf(o);
        return { kind, namespace: ref.namespace, name: ref.name, labels: labelsOf(o) };
      });
    }),
  );
  return lists.flat();
}

export function describeItem(item: InventoryItem): string {
  return `${item.kind} ${refString(item)}`;
}
