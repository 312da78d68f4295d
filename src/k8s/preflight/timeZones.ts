// Probe: CronJobs without `spec.timeZone` whose schedule depends on the time zone, when the two clusters'
// kube-controller-manager time zones may differ (unknown on managed control planes, or different).

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { capSubjects, getArray, getString, refOf, refString } from "../objects.js";
import type { ProbeContext, Side } from "./probe.js";

/** True unless every field but minutes is a wildcard (such a schedule fires at the same instants anywhere). */
export function dependsOnTimeZone(schedule: string): boolean {
  const s = schedule.trim();
  if (s.startsWith("@every")) return false;
  if (s.startsWith("@")) return s !== "@hourly";
  const fields = s.split(/\s+/);
  const rest = fields.length === 6 ? fields.slice(2) : fields.slice(1);
  return !rest.every((f) => f === "*" || f === "?");
}

/** The TZ of a kube-controller-manager pod: its TZ env, "UTC" when unset; undefined when not visible. */
export function controllerTimeZone(pods: readonly unknown[]): string | undefined {
  for (const pod of pods) {
    const name = getString(pod, ["metadata", "name"]) ?? "";
    const component = getString(pod, ["metadata", "labels", "component"]);
    if (component !== "kube-controller-manager" && !name.startsWith("kube-controller-manager")) continue;
    for (const c of getArray(pod, ["spec", "containers"])) {
      const tz = getArray(c, ["env"]).find((e) => getString(e, ["name"]) === "TZ");
      if (tz) return getString(tz, ["value"]) ?? "UTC";
    }
    return "UTC";
  }
  return undefined;
}

export function timeZoneFindings(
  cronJobs: readonly unknown[],
  sourceTz?: string,
  targetTz?: string,
): Finding[] {
  if (sourceTz !== undefined && sourceTz === targetTz) return [];
  const affected = cronJobs
    .filter((c) => getString(c, ["spec", "timeZone"]) === undefined)
    .filter((c) => dependsOnTimeZone(getString(c, ["spec", "schedule"]) ?? ""))
    .map((c) => `${refString(refOf(c))} (${getString(c, ["spec", "schedule"])})`);
  if (affected.length === 0) return [];
  const why =
    sourceTz !== undefined && targetTz !== undefined
      ? `the controllers run in ${sourceTz} (source) and ${targetTz} (target)`
      : "the clusters' controller time zones cannot be read and may differ";
  return [
    {
      code: "cronjobs-without-timezone",
      severity: "warning",
      message: `${affected.length} CronJob(s) have no spec.timeZone and a time-of-day schedule; ${why}, so they could fire at other hours`,
      fix: 'set spec.timeZone (e.g. "Etc/UTC" or the zone the schedule was written for) on each',
      subjects: capSubjects(affected),
    },
  ];
}

async function tzOf(p: ProbeContext, side: Side): Promise<string | undefined> {
  try {
    return controllerTimeZone(
      await p.list(side, GVR.pods, { allNamespaces: true, namespace: "kube-system" }),
    );
  } catch {
    return undefined;
  }
}

export async function probeTimeZones(p: ProbeContext): Promise<Finding[]> {
  const [cronJobs, s, t] = await Promise.all([
    p.list("source", GVR.cronjobs),
    tzOf(p, "source"),
    tzOf(p, "target"),
  ]);
  return timeZoneFindings(cronJobs, s, t);
}
