import type { ClusterConfig, EnvironmentConfig } from "../config/schema.js";

export type ClusterChoice =
  | { ok: true; source: ClusterConfig; target: ClusterConfig; reason: string }
  | { ok: false; message: string };

/** `production-20261125` → 20261125; names without a date sort first. */
export function clusterDate(name: string): number {
  const m = /-(\d{8})$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/**
 * Source = the cluster DNS points at now. Target = the one named with `to`, else the newest configured
 * cluster (dated names sort) that is not the source.
 */
export function chooseClusters(
  envName: string,
  env: EnvironmentConfig,
  pointingAt: string | undefined,
  requested?: string,
): ClusterChoice {
  const names = env.clusters.map((c) => c.name);
  if (!pointingAt) {
    return {
      ok: false,
      message: `cannot tell which cluster of ${envName} DNS points at now; check that dns.records resolve to one of the clusters' ingress hostnames (${names.join(", ")})`,
    };
  }
  const source = env.clusters.find((c) => c.name === pointingAt);
  if (!source)
    return {
      ok: false,
      message: `DNS points at ${pointingAt}, which is not a configured cluster of ${envName}`,
    };
  if (requested !== undefined) {
    const target = env.clusters.find((c) => c.name === requested);
    if (!target) {
      return {
        ok: false,
        message: `cluster "${requested}" is not configured for ${envName}; configured: ${names.join(", ")}`,
      };
    }
    if (target.name === source.name) {
      return {
        ok: false,
        message: `${requested} is already serving ${envName} (DNS points at it); choose another target`,
      };
    }
    return {
      ok: true,
      source,
      target,
      reason: `requested with \`to ${requested}\`; DNS points at ${source.name}`,
    };
  }
  const candidates = env.clusters
    .filter((c) => c.name !== source.name)
    .sort((a, b) => clusterDate(b.name) - clusterDate(a.name) || b.name.localeCompare(a.name));
  const target = candidates[0];
  if (!target)
    return {
      ok: false,
      message: `${envName} has no cluster other than ${source.name}; add the new cluster to the config`,
    };
  if (clusterDate(target.name) > 0 && clusterDate(target.name) <= clusterDate(source.name)) {
    // Never pick an older cluster by default: that is a move back, and must be asked for by name.
    return {
      ok: false,
      message: `no configured cluster of ${envName} is newer than ${source.name}, which DNS points at; add the new cluster to the config, or name one with \`to <cluster>\``,
    };
  }
  return {
    ok: true,
    source,
    target,
    reason: `newest cluster of ${envName} that DNS does not point at (DNS → ${source.name})`,
  };
}
