// Probe: resources on the source served under group/versions the target no longer serves. Blocking when
// that version is the source's preferred one for its group (Velero backs up the preferred version, which
// the target could not restore); a warning when objects were only written through it (manifests to update).

import type { Finding } from "../../migration/types.js";
import type { Discovery } from "../clusterRegistry.js";
import { listObjects } from "../listing.js";
import { capSubjects, getArray, getBool, getString, refOf, refString } from "../objects.js";
import { isForbidden } from "../requestPolicy.js";
import type { ProbeContext } from "./probe.js";

export interface RemovedUsage {
  groupVersion: string;
  resource: string;
  preferredOnSource: boolean;
  objects: string[];
  /** Objects whose managedFields or last-applied configuration name this group/version. */
  writtenWith: string[];
}

/** Served by the source and not by the target (the core group never disappears). */
export function removedGroupVersions(source: Discovery, target: Discovery): string[] {
  return [...source.served].filter((gv) => gv.includes("/") && !target.served.has(gv)).sort();
}

export function wasWrittenWith(obj: unknown, groupVersion: string): boolean {
  if (getArray(obj, ["metadata", "managedFields"]).some((m) => getString(m, ["apiVersion"]) === groupVersion))
    return true;
  const applied = getString(obj, [
    "metadata",
    "annotations",
    "kubectl.kubernetes.io/last-applied-configuration",
  ]);
  if (!applied) return false;
  try {
    return getString(JSON.parse(applied), ["apiVersion"]) === groupVersion;
  } catch {
    return false;
  }
}

export function removedApiFindings(
  usages: readonly RemovedUsage[],
  target: string,
  unreadable: readonly string[] = [],
): Finding[] {
  const blocking = usages.filter((u) => u.preferredOnSource && u.objects.length > 0);
  const warning = usages.filter((u) => !u.preferredOnSource && u.writtenWith.length > 0);
  const out: Finding[] = [];
  if (blocking.length > 0) {
    out.push({
      code: "api-version-removed",
      severity: "blocking",
      message: `${blocking.map((u) => `${u.resource} (${u.groupVersion})`).join(", ")} exist on the source in a version ${target} no longer serves`,
      fix: `convert these objects to a version ${target} serves (and update their manifests) before migrating`,
      subjects: capSubjects(
        blocking.flatMap((u) => u.objects.map((o) => `${u.groupVersion} ${u.resource} ${o}`)),
      ),
    });
  }
  if (warning.length > 0) {
    out.push({
      code: "api-version-removed-manifests",
      severity: "warning",
      message: `objects were written through ${warning.map((u) => u.groupVersion).join(", ")}, which ${target} no longer serves; they restore fine, but their manifests will fail there`,
      fix: "update these manifests to a served API version",
      subjects: capSubjects(
        warning.flatMap((u) => u.writtenWith.map((o) => `${u.groupVersion} ${u.resource} ${o}`)),
      ),
    });
  }
  if (unreadable.length > 0) {
    out.push({
      code: "api-version-unchecked",
      severity: "warning",
      message: `${unreadable.length} resource type(s) served only by the source could not be read, so their use is unknown`,
      fix: `grant hikkoshi list on them, or check by hand that nothing uses these versions before migrating to ${target}`,
      subjects: capSubjects(unreadable),
    });
  }
  return out;
}

/** Listable top-level resources of a group/version discovery document. */
function resourcesOf(doc: unknown): Array<{ plural: string; namespaced: boolean }> {
  return getArray(doc, ["resources"])
    .map((r) => ({
      plural: getString(r, ["name"]) ?? "",
      namespaced: getBool(r, ["namespaced"]) !== false,
      verbs: getArray(r, ["verbs"]),
    }))
    .filter((r) => r.plural !== "" && !r.plural.includes("/") && r.verbs.includes("list"));
}

export async function probeRemovedApis(p: ProbeContext): Promise<Finding[]> {
  const [sd, td] = await Promise.all([p.source.discovery(), p.target.discovery()]);
  const get = (gv: string) =>
    p.source.policy.call(`${p.source.name}: GET /apis/${gv}`, () => p.source.rawGet(`/apis/${gv}`));
  const usages: RemovedUsage[] = [];
  const unreadable: string[] = [];
  for (const gv of removedGroupVersions(sd, td)) {
    const [group = "", version = ""] = gv.split("/");
    const preferred = sd.preferred.get(group);
    // Velero reads a resource at its group's preferred version when it exists there, else at a version
    // that has it: a resource found only in a removed version is backed up (and restored) in that version.
    const inPreferred = new Set(
      preferred && preferred !== gv ? resourcesOf(await get(preferred)).map((r) => r.plural) : [],
    );
    for (const { plural, namespaced } of resourcesOf(await get(gv))) {
      let objects: unknown[];
      try {
        objects = await listObjects(
          p.source,
          { group, version, plural },
          { excludeNamespaces: namespaced ? p.ctx.env.excludedNamespaces : [] },
        );
      } catch (err) {
        if (!isForbidden(err)) throw err;
        unreadable.push(`${gv} ${plural}`);
        continue;
      }
      usages.push({
        groupVersion: gv,
        resource: plural,
        preferredOnSource: preferred === gv || !inPreferred.has(plural),
        objects: objects.map((o) => refString(refOf(o))),
        writtenWith: objects.filter((o) => wasWrittenWith(o, gv)).map((o) => refString(refOf(o))),
      });
    }
  }
  return removedApiFindings(usages, p.target.name, unreadable);
}
