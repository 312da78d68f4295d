// Probe: both clusters answer, and hikkoshi's identity may do what the migration needs there
// (SelfSubjectAccessReview per verb/resource; see deploy/rbac/clusterrole.yaml).

import type { Finding } from "../../migration/types.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { capSubjects } from "../objects.js";
import { errorMessage } from "../runtime.js";
import type { ProbeContext, Side } from "./probe.js";
import { selfAllowed } from "./selfAccess.js";

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Namespaced permission; `velero` stands for the environment's Velero namespace. */
  namespace?: string;
  side: Side | "both";
}

/** Mirrors deploy/rbac/clusterrole.yaml (keep them in step). */
export const REQUIRED_PERMISSIONS: readonly Permission[] = [
  ...["deployments", "statefulsets", "daemonsets"].map((resource) => ({
    verb: "list",
    group: "apps",
    resource,
    side: "both" as const,
  })),
  ...["cronjobs", "jobs"].map((resource) => ({
    verb: "list",
    group: "batch",
    resource,
    side: "both" as const,
  })),
  ...["services", "configmaps", "persistentvolumeclaims", "namespaces", "serviceaccounts"].map(
    (resource) => ({
      verb: "list",
      group: "",
      resource,
      side: "both" as const,
    }),
  ),
  { verb: "list", group: "networking.k8s.io", resource: "ingresses", side: "both" },
  { verb: "list", group: "apiextensions.k8s.io", resource: "customresourcedefinitions", side: "both" },
  { verb: "list", group: "", resource: "pods", namespace: "kube-system", side: "both" },
  { verb: "patch", group: "batch", resource: "cronjobs", side: "both" },
  { verb: "patch", group: "batch", resource: "cronjobs", subresource: "status", side: "both" },
  { verb: "patch", group: "apps", resource: "deployments", side: "both" },
  { verb: "list", group: "velero.io", resource: "backupstoragelocations", namespace: "velero", side: "both" },
  { verb: "patch", group: "apps", resource: "statefulsets", side: "source" },
  { verb: "create", group: "velero.io", resource: "backups", namespace: "velero", side: "source" },
  { verb: "create", group: "", resource: "configmaps", namespace: "kube-public", side: "source" },
  { verb: "create", group: "velero.io", resource: "restores", namespace: "velero", side: "target" },
  { verb: "create", group: "", resource: "configmaps", namespace: "velero", side: "target" },
  { verb: "get", group: "", resource: "services", side: "target" },
];

export function describePermission(p: Permission, veleroNamespace: string): string {
  const res = `${p.resource}${p.group ? `.${p.group}` : ""}${p.subresource ? `/${p.subresource}` : ""}`;
  const ns = p.namespace === "velero" ? veleroNamespace : p.namespace;
  return `${p.verb} ${res}${ns ? ` in ${ns}` : ""}`;
}

/** Pure: the findings for one cluster given which permissions were refused. */
export function accessFindings(cluster: string, denied: readonly string[]): Finding[] {
  if (denied.length === 0) return [];
  return [
    {
      code: "missing-permissions",
      severity: "blocking",
      message: `hikkoshi lacks ${denied.length} permission(s) on ${cluster}`,
      fix: `apply deploy/rbac/clusterrole.yaml on ${cluster} and bind it to hikkoshi's identity`,
      subjects: capSubjects(denied),
    },
  ];
}

export function unreachableFinding(cluster: string, error: string): Finding {
  return {
    code: "cluster-unreachable",
    severity: "blocking",
    message: `cluster ${cluster} does not answer: ${error}`,
    fix: `check the kubeconfig context for ${cluster}, its credentials and network access from the bot`,
    subjects: [cluster],
  };
}

/** Reachability of one cluster: undefined when `/version` answers. */
export async function reachability(client: ClusterClient): Promise<Finding | undefined> {
  try {
    await client.serverVersion();
    return undefined;
  } catch (err) {
    return unreachableFinding(client.name, errorMessage(err).split("\n")[0] ?? "no answer");
  }
}

export async function probeAccess(p: ProbeContext): Promise<Finding[]> {
  const veleroNs = p.ctx.env.velero.namespace;
  const out: Finding[] = [];
  for (const side of ["source", "target"] as const) {
    const client = side === "source" ? p.source : p.target;
    const wanted = REQUIRED_PERMISSIONS.filter((x) => x.side === "both" || x.side === side);
    const results = await Promise.all(
      wanted.map(async (perm) => {
        const ns = perm.namespace === "velero" ? veleroNs : perm.namespace;
        const allowed = await selfAllowed(client, {
          verb: perm.verb,
          group: perm.group,
          resource: perm.resource,
          ...(perm.subresource ? { subresource: perm.subresource } : {}),
          ...(ns ? { namespace: ns } : {}),
        });
        return allowed ? undefined : describePermission(perm, veleroNs);
      }),
    );
    out.push(
      ...accessFindings(
        client.name,
        results.filter((r): r is string => r !== undefined),
      ),
    );
  }
  return out;
}
