// Probe: workloads that tolerate neither duplication nor loss — StatefulSets with volumeClaimTemplates and
// single-replica Deployments mounting a PersistentVolumeClaim — unless acknowledged in the config.
// hikkoshi moves definitions, not data: such a workload would start empty on the target.

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { capSubjects, getArray, getIn, getNumber, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

export function statefulWorkloads(
  statefulSets: readonly unknown[],
  deployments: readonly unknown[],
  acknowledged: readonly string[],
): Finding[] {
  const ack = new Set(acknowledged);
  const found: string[] = [];
  for (const s of statefulSets) {
    if (getArray(s, ["spec", "volumeClaimTemplates"]).length > 0)
      found.push(`StatefulSet ${refString(refOf(s))}`);
  }
  for (const d of deployments) {
    const replicas = getNumber(d, ["spec", "replicas"]) ?? 1;
    const mountsPvc = getArray(d, ["spec", "template", "spec", "volumes"]).some(
      (v) => getIn(v, ["persistentVolumeClaim"]) !== undefined,
    );
    if (replicas === 1 && mountsPvc) found.push(`Deployment ${refString(refOf(d))}`);
  }
  const blocking = found.filter((f) => !ack.has(f.slice(f.indexOf(" ") + 1)));
  if (blocking.length === 0) return [];
  return [
    {
      code: "stateful-workload",
      severity: "blocking",
      message: `${blocking.length} workload(s) keep state on a volume and tolerate neither duplication nor loss; a migration would start them empty on the target`,
      fix: "move their data out of the cluster (a managed database, object storage), or, if the team accepts it, add them to acknowledgedStateful as <namespace>/<name>",
      subjects: capSubjects(blocking),
    },
  ];
}

export async function probeStateful(p: ProbeContext): Promise<Finding[]> {
  const [sts, deploys] = await Promise.all([
    p.list("source", GVR.statefulsets),
    p.list("source", GVR.deployments),
  ]);
  return statefulWorkloads(sts, deploys, p.ctx.env.acknowledgedStateful);
}
