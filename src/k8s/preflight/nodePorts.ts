// Probe: source Services with fixed nodePorts that another Service already holds on the target. The
// restore of such a Service fails ("provided port is already allocated").

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { capSubjects, getArray, getNumber, getString, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

/** nodePorts a Service asks for explicitly (last-applied configuration when present, else every one). */
export function fixedNodePorts(svc: unknown): number[] {
  const type = getString(svc, ["spec", "type"]);
  if (type !== "NodePort" && type !== "LoadBalancer") return [];
  const applied = getString(svc, [
    "metadata",
    "annotations",
    "kubectl.kubernetes.io/last-applied-configuration",
  ]);
  let ports = getArray(svc, ["spec", "ports"]);
  if (applied) {
    try {
      ports = getArray(JSON.parse(applied), ["spec", "ports"]);
    } catch {
      // keep the live ports
    }
  }
  return ports.map((p) => getNumber(p, ["nodePort"])).filter((n): n is number => n !== undefined && n > 0);
}

export function nodePortCollisions(source: readonly unknown[], target: readonly unknown[]): Finding[] {
  const held = new Map<number, string>();
  for (const svc of target) {
    for (const port of getArray(svc, ["spec", "ports"])) {
      const n = getNumber(port, ["nodePort"]);
      if (n !== undefined) held.set(n, refString(refOf(svc)));
    }
  }
  const subjects: string[] = [];
  for (const svc of source) {
    const ref = refString(refOf(svc));
    for (const n of fixedNodePorts(svc)) {
      const holder = held.get(n);
      if (holder !== undefined && holder !== ref)
        subjects.push(`${ref} nodePort ${n} (held by ${holder} on the target)`);
    }
  }
  if (subjects.length === 0) return [];
  return [
    {
      code: "nodeport-collision",
      severity: "warning",
      message: `${subjects.length} fixed nodePort(s) on the source are already allocated on the target; those Services would fail to restore`,
      fix: "drop the fixed nodePort (let Kubernetes allocate one) or free the port on the target",
      subjects: capSubjects(subjects),
    },
  ];
}

export async function probeNodePorts(p: ProbeContext): Promise<Finding[]> {
  const [s, t] = await Promise.all([
    p.list("source", GVR.services),
    p.list("target", GVR.services, { allNamespaces: true }),
  ]);
  return nodePortCollisions(s, t);
}
