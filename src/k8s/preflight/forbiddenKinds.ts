// Probe: StatefulSets and DaemonSets carrying the duplication-forbidden label. The handoff holds only
// CronJobs (suspend) and Deployments (replicas) stopped, so these would run on both clusters.

import type { Finding } from "../../migration/types.js";
import { forbiddenSelector } from "../labels.js";
import { GVR } from "../listing.js";
import { capSubjects, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

export function forbiddenKindFindings(
  statefulSets: readonly unknown[],
  daemonSets: readonly unknown[],
  label: string,
): Finding[] {
  const subjects = [
    ...statefulSets.map((s) => `StatefulSet ${refString(refOf(s))}`),
    ...daemonSets.map((d) => `DaemonSet ${refString(refOf(d))}`),
  ];
  if (subjects.length === 0) return [];
  return [
    {
      code: "forbidden-kind-unsupported",
      severity: "blocking",
      message: `${subjects.length} StatefulSet/DaemonSet(s) are labelled ${label}; hikkoshi can hand off only CronJobs and Deployments, so these are not restored`,
      fix: "make them duplication-tolerant, or turn them into a Deployment/CronJob, or move them by hand",
      subjects: capSubjects(subjects),
    },
  ];
}

export async function probeForbiddenKinds(p: ProbeContext): Promise<Finding[]> {
  const labelSelector = forbiddenSelector(p.forbidden);
  const [sts, ds] = await Promise.all([
    p.list("source", GVR.statefulsets, { labelSelector }),
    p.list("source", GVR.daemonsets, { labelSelector }),
  ]);
  return forbiddenKindFindings(sts, ds, p.ctx.env.duplicationForbiddenLabel);
}
