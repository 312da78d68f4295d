// CronJob schedule arithmetic (cron-parser) and Job creation for one scheduled time.

import { CronExpressionParser } from "cron-parser";
import type { KubeApi } from "../api.js";
import { KubeError } from "../errors.js";
import { asObject, clone, getIn, getStringMap, type KubeObject, rfc3339 } from "../types.js";

export const SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/** Most recent schedule time t with earliest < t <= now (ms), or undefined. */
export function mostRecentSchedule(
  schedule: string,
  tz: string,
  earliest: number,
  now: number,
): number | undefined {
  const expr = CronExpressionParser.parse(schedule, { currentDate: new Date(now + 1), tz });
  const t = expr.prev().getTime();
  return t > earliest ? t : undefined;
}

export function nextSchedule(schedule: string, tz: string, after: number): number {
  return CronExpressionParser.parse(schedule, { currentDate: new Date(after), tz })
    .next()
    .getTime();
}

/** Creates the Job for one scheduled time (named like the controller does); undefined if it already exists. */
export function createScheduledJob(
  api: KubeApi,
  cj: KubeObject,
  scheduled: number,
  schedule: string,
): KubeObject | undefined {
  const jobDef = api.registry.byKey("batch/jobs");
  if (!jobDef) return undefined;
  const seconds = schedule.trim().split(/\s+/).length === 6;
  const suffix = seconds ? Math.floor(scheduled / 1000) : Math.floor(scheduled / 60000);
  const name = `${cj.metadata?.name ?? ""}-${suffix}`;
  const namespace = cj.metadata?.namespace ?? "";
  const template = getIn(cj, ["spec", "jobTemplate"]);
  const body: KubeObject = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace,
      labels: getStringMap(template, ["metadata", "labels"]),
      annotations: {
        ...getStringMap(template, ["metadata", "annotations"]),
        [SCHEDULED_ANNOTATION]: rfc3339(scheduled),
      },
      ownerReferences: [
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          name: cj.metadata?.name ?? "",
          uid: cj.metadata?.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: clone(asObject(getIn(template, ["spec"]))),
  };
  try {
    return api.create({ def: jobDef, version: "v1", namespace }, body);
  } catch (e) {
    // Already created for this schedule (e.g. a retry): not a second run.
    if (e instanceof KubeError && e.status.reason === "AlreadyExists") return undefined;
    throw e;
  }
}
