// The whole handoff of duplication-forbidden resources: CronJobs, then Deployments, as one report.

import type { ForbiddenSnapshot, HandoffEvents, HandoffReport, ProgressFn } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import type { HandoffDeps } from "./common.js";
import { handoffCronJobs } from "./cronjobHandoff.js";
import { handoffDeployments } from "./deploymentHandoff.js";

const requests = (cs: ClusterClient[]) => cs.reduce((n, c) => n + c.policy.stats.requests, 0);

export async function runHandoff(
  deps: HandoffDeps,
  snapshot: ForbiddenSnapshot,
  progress: ProgressFn,
  signal: AbortSignal,
  events?: HandoffEvents,
): Promise<HandoffReport> {
  const before = requests([deps.source, deps.target]);
  const withNotes: HandoffDeps = events
    ? {
        ...deps,
        note: (detail) => {
          void Promise.resolve(events.note(detail)).catch(() => {});
        },
      }
    : deps;
  const cron = await handoffCronJobs(withNotes, snapshot.cronJobs, progress, signal);
  const deploy = await handoffDeployments(withNotes, snapshot.deployments, progress, signal);
  const report: HandoffReport = {
    cronJobsMoved: cron.moved,
    deploymentsMoved: deploy.moved,
    gaps: [...cron.gaps, ...deploy.gaps],
    requests: requests([deps.source, deps.target]) - before,
    missedRuns: cron.missedRuns,
    overBudget: cron.overBudget,
  };
  if (cron.gapBudgetMs !== undefined) report.gapBudgetMs = cron.gapBudgetMs;
  deps.logger.info(
    {
      migration: deps.migrationId,
      cronJobs: report.cronJobsMoved,
      deployments: report.deploymentsMoved,
      requests: report.requests,
      missedRuns: cron.missedRuns.length,
    },
    "handoff complete",
  );
  return report;
}
