// Probe: custom resources on the source whose CustomResourceDefinition (or its stored version) the target
// lacks. Velero would skip or fail them; install the operator/CRDs on the target first.

import type { Finding } from "../../migration/types.js";
import { GVR, listObjects } from "../listing.js";
import { capSubjects, getArray, getBool, getString } from "../objects.js";
import { isForbidden } from "../requestPolicy.js";
import type { ProbeContext } from "./probe.js";

export interface CrdInfo {
  name: string;
  group: string;
  plural: string;
  namespaced: boolean;
  servedVersions: string[];
  storageVersion: string;
}

export function crdInfo(crd: unknown): CrdInfo {
  const versions = getArray(crd, ["spec", "versions"]);
  const served = versions
    .filter((v) => getBool(v, ["served"]) !== false)
    .map((v) => getString(v, ["name"]) ?? "");
  const storage = versions.find((v) => getBool(v, ["storage"]) === true);
  return {
    name: getString(crd, ["metadata", "name"]) ?? "",
    group: getString(crd, ["spec", "group"]) ?? "",
    plural: getString(crd, ["spec", "names", "plural"]) ?? "",
    namespaced: getString(crd, ["spec", "scope"]) !== "Cluster",
    servedVersions: served.filter((v) => v !== ""),
    storageVersion: (storage ? getString(storage, ["name"]) : served[0]) ?? "",
  };
}

/** A count hikkoshi could not read (403): treated as "in use". */
export const UNKNOWN_COUNT = -1;

/** Pure: `used` = CRDs with objects on the source (and their counts; UNKNOWN_COUNT when unreadable). */
export function missingCrdFindings(
  used: ReadonlyArray<{ crd: CrdInfo; count: number }>,
  target: readonly CrdInfo[],
  targetName: string,
): Finding[] {
  const byName = new Map(target.map((c) => [c.name, c]));
  const subjects: string[] = [];
  for (const { crd, count } of used) {
    if (count === 0) continue;
    const t = byName.get(crd.name);
    const objects = count === UNKNOWN_COUNT ? "objects not readable by hikkoshi" : `${count} object(s)`;
    if (!t) subjects.push(`${crd.name} (${objects})`);
    else if (!t.servedVersions.includes(crd.storageVersion)) {
      subjects.push(`${crd.name} ${crd.storageVersion} not served (${objects})`);
    }
  }
  if (subjects.length === 0) return [];
  return [
    {
      code: "crd-missing-on-target",
      severity: "blocking",
      message: `${subjects.length} custom resource type(s) in use on the source are missing on ${targetName}`,
      fix: `install these CRDs (usually with their operator) on ${targetName} before migrating`,
      subjects: capSubjects(subjects),
    },
  ];
}

export async function probeCrds(p: ProbeContext): Promise<Finding[]> {
  const [s, t] = await Promise.all([
    p.list("source", GVR.crds, { allNamespaces: true }),
    p.list("target", GVR.crds, { allNamespaces: true }),
  ]);
  const sourceCrds = s
    .map(crdInfo)
    .filter((c) => c.group !== "velero.io" && c.plural !== "" && c.storageVersion !== "");
  const used = await Promise.all(
    sourceCrds.map(async (crd) => {
      try {
        const objects = await listObjects(
          p.source,
          { group: crd.group, version: crd.storageVersion, plural: crd.plural },
          { excludeNamespaces: crd.namespaced ? p.ctx.env.excludedNamespaces : [] },
        );
        return { crd, count: objects.length };
      } catch (err) {
        // Not allowed to read them: assume they are in use rather than pass silently.
        if (isForbidden(err)) return { crd, count: UNKNOWN_COUNT };
        throw err;
      }
    }),
  );
  return missingCrdFindings(used, t.map(crdInfo), p.target.name);
}
