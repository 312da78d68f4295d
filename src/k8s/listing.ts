// Listing any resource across namespaces as plain JSON (paginated), through the cluster's request policy.

import type { ClusterClient } from "./clusterRegistry.js";
import { getString, itemsOf } from "./objects.js";

export interface Gvr {
  group: string;
  version: string;
  plural: string;
}

export const GVR = {
  deployments: { group: "apps", version: "v1", plural: "deployments" },
  statefulsets: { group: "apps", version: "v1", plural: "statefulsets" },
  daemonsets: { group: "apps", version: "v1", plural: "daemonsets" },
  cronjobs: { group: "batch", version: "v1", plural: "cronjobs" },
  jobs: { group: "batch", version: "v1", plural: "jobs" },
  services: { group: "", version: "v1", plural: "services" },
  configmaps: { group: "", version: "v1", plural: "configmaps" },
  pvcs: { group: "", version: "v1", plural: "persistentvolumeclaims" },
  serviceaccounts: { group: "", version: "v1", plural: "serviceaccounts" },
  namespaces: { group: "", version: "v1", plural: "namespaces" },
  pods: { group: "", version: "v1", plural: "pods" },
  ingresses: { group: "networking.k8s.io", version: "v1", plural: "ingresses" },
  crds: { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions" },
} as const satisfies Record<string, Gvr>;

export function collectionPath(gvr: Gvr, namespace?: string): string {
  const base = gvr.group === "" ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  return namespace ? `${base}/namespaces/${namespace}/${gvr.plural}` : `${base}/${gvr.plural}`;
}

/** Items per list request (the apiserver's usual page; a larger list costs one request per page). */
export const LIST_PAGE_SIZE = 500;

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  /** Drop objects in these namespaces (client-side: field selectors cannot say "not in"). */
  excludeNamespaces?: readonly string[];
  /** Stop after this many items (existence checks). */
  limit?: number;
}

export async function listObjects(
  client: ClusterClient,
  gvr: Gvr,
  opts: ListOptions = {},
): Promise<unknown[]> {
  const excluded = new Set(opts.excludeNamespaces ?? []);
  const out: unknown[] = [];
  let token: string | undefined;
  const pageSize = opts.limit !== undefined ? Math.max(opts.limit, 1) : LIST_PAGE_SIZE;
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (opts.labelSelector) query.set("labelSelector", opts.labelSelector);
    if (token) query.set("continue", token);
    const path = `${collectionPath(gvr, opts.namespace)}?${query.toString()}`;
    const page = await client.policy.call(`${client.name}: list ${gvr.plural}`, () => client.rawGet(path));
    for (const item of itemsOf(page)) {
      const ns = getString(item, ["metadata", "namespace"]);
      if (ns !== undefined && excluded.has(ns)) continue;
      out.push(item);
    }
    token = getString(page, ["metadata", "continue"]) || undefined;
    if (opts.limit !== undefined && out.length >= opts.limit) break;
  } while (token);
  return out;
}
