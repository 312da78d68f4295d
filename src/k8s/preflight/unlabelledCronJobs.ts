// Probe: CronJobs on the source that carry no duplication-policy label (any value counts as labelled).
// They are treated as tolerant (restored running on the target) — a guess a human should confirm.

import type { Finding } from "../../migration/types.js";
import { hasPolicyLabel, type LabelPair } from "../labels.js";
import { GVR } from "../listing.js";
import { capSubjects, labelsOf, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

export function unlabelledCronJobs(cronJobs: readonly unknown[], forbidden: LabelPair): Finding[] {
  const unlabelled = cronJobs
    .filter((c) => !hasPolicyLabel(labelsOf(c), forbidden))
    .map((c) => refString(refOf(c)));
  if (unlabelled.length === 0) return [];
  return [
    {
      code: "cronjobs-unlabelled",
      severity: "warning",
      message: `${unlabelled.length} of ${cronJobs.length} CronJobs have no ${forbidden.key} label; they will be treated as duplication-tolerant and run on both clusters for a while`,
      fix: `label each one: \`kubectl label cronjob <name> ${forbidden.key}=${forbidden.value}\` if it must never run twice, else \`${forbidden.key}=tolerant\``,
      subjects: capSubjects(unlabelled),
    },
  ];
}

export async function probeUnlabelledCronJobs(p: ProbeContext): Promise<Finding[]> {
  return unlabelledCronJobs(await p.list("source", GVR.cronjobs), p.forbidden);
}
