// What every preflight probe receives, and a memoised lister so probes that read the same collection
// (CronJobs, Deployments, Services) share one request per cluster.

import type { EnvContext } from "../../migration/ports.js";
import type { Finding } from "../../migration/types.js";
import type { ClusterClient } from "../clusterRegistry.js";
import type { LabelPair } from "../labels.js";
import { type Gvr, listObjects } from "../listing.js";

export type Side = "source" | "target";

export interface ProbeContext {
  ctx: EnvContext;
  source: ClusterClient;
  target: ClusterClient;
  forbidden: LabelPair;
  /** Lists a collection on one side; `allNamespaces` keeps the excluded namespaces too. */
  list(
    side: Side,
    gvr: Gvr,
    opts?: { allNamespaces?: boolean; namespace?: string; labelSelector?: string },
  ): Promise<unknown[]>;
}

export type Probe = (p: ProbeContext) => Promise<Finding[]>;

export function createProbeContext(
  ctx: EnvContext,
  source: ClusterClient,
  target: ClusterClient,
  forbidden: LabelPair,
): ProbeContext {
  const memo = new Map<string, Promise<unknown[]>>();
  return {
    ctx,
    source,
    target,
    forbidden,
    list(side, gvr, opts = {}) {
      const k = JSON.stringify([side, gvr, opts]);
      let p = memo.get(k);
      if (!p) {
        const client = side === "source" ? source : target;
        const listOpts: Parameters<typeof listObjects>[2] = {};
        if (!opts.allNamespaces) listOpts.excludeNamespaces = ctx.env.excludedNamespaces;
        if (opts.namespace) listOpts.namespace = opts.namespace;
        if (opts.labelSelector) listOpts.labelSelector = opts.labelSelector;
        p = listObjects(client, gvr, listOpts);
        memo.set(k, p);
      }
      return p;
    },
  };
}

export function clusterName(p: ProbeContext, side: Side): string {
  return side === "source" ? p.ctx.source.name : p.ctx.target.name;
}
