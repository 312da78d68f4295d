// Probe: Jobs on the source that are running or failed, not owned by a CronJob. Restoring a Job runs it
// again, so hikkoshi never restores Jobs: a human decides whether these must be re-run on the target.

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { capSubjects, getArray, getNumber, getString, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

function condition(job: unknown, type: string): boolean {
  return getArray(job, ["status", "conditions"]).some(
    (c) => getString(c, ["type"]) === type && getString(c, ["status"]) === "True",
  );
}

export function jobState(job: unknown): "running" | "failed" | "done" {
  if (condition(job, "Complete")) return "done";
  if (condition(job, "Failed")) return "failed";
  if ((getNumber(job, ["status", "active"]) ?? 0) > 0) return "running";
  if ((getNumber(job, ["status", "succeeded"]) ?? 0) > 0) return "done";
  return (getNumber(job, ["status", "failed"]) ?? 0) > 0 ? "failed" : "running";
}

export function rerunnableJobs(jobs: readonly unknown[]): Finding[] {
  const subjects: string[] = [];
  for (const j of jobs) {
    const ownedByCronJob = getArray(j, ["metadata", "ownerReferences"]).some(
      (o) => getString(o, ["kind"]) === "CronJob",
    );
    if (ownedByCronJob) continue; // handled by the handoff (it waits for their end)
    const state = jobState(j);
    if (state !== "done") subjects.push(`${refString(refOf(j))} (${state})`);
  }
  if (subjects.length === 0) return [];
  return [
    {
      code: "jobs-would-rerun",
      severity: "warning",
      message: `${subjects.length} Job(s) on the source are running or failed; Jobs are not restored (a restore would run them again)`,
      fix: "let running Jobs finish on the source; re-create any Job that must run on the target after cutover",
      subjects: capSubjects(subjects),
    },
  ];
}

export async function probeJobs(p: ProbeContext): Promise<Finding[]> {
  return rerunnableJobs(await p.list("source", GVR.jobs));
}
