// The gap budget: how long one forbidden resource may be stopped on both clusters. By default the
// shortest schedule period among the forbidden CronJobs that move, so no CronJob misses a run by
// construction. Pure rules: the budget, how many resources to move at once to stay well under it, and
// the gap the request rate alone implies.

import type { ForbiddenSnapshot } from "../../migration/ports.js";
import { formatDuration } from "./common.js";
import { shortestPeriodMs } from "./schedule.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

/** Requests one CronJob needs between its stop and its start: read source, read target, status, start, read back. */
export const REQUESTS_AFTER_STOP = 5;

export function defaultGapBudgetMs(entries: readonly Entry[], now: number): number | undefined {
  let best: number | undefined;
  for (const e of entries) {
    if (e.source?.suspend !== false || !e.schedule) continue;
    const p = shortestPeriodMs(e.schedule, e.timeZone ?? "UTC", now);
    if (p !== undefined && (best === undefined || p < best)) best = p;
  }
  return best;
}

/** Requests one CronJob needs in all (a read before the stop, the stop, and those after it). */
export const REQUESTS_PER_CRONJOB = REQUESTS_AFTER_STOP + 2;

/**
 * Resources in flight at once, between `concurrency` and four times it. Each one sleeps `settleMs` and
 * then needs a few requests. Enough are in flight to keep the rate limit busy while others sleep (more
 * would only wait in the queue, lengthening their gaps without moving faster), and never so many that
 * waiting behind the rate limit costs more than about half the budget (and 10 s).
 */
export function windowSize(
  concurrency: number,
  requestsPerSecond: number,
  settleMs: number,
  budgetMs: number | undefined,
): number {
  const target = Math.min(budgetMs ?? Number.POSITIVE_INFINITY, 20_000) / 2 - settleMs;
  const byBudget = Math.floor((target * requestsPerSecond) / (REQUESTS_AFTER_STOP * 1000));
  const byThroughput = Math.ceil((requestsPerSecond * (settleMs + 1000)) / (REQUESTS_PER_CRONJOB * 1000));
  return Math.max(concurrency, Math.min(concurrency * 4, byBudget, byThroughput));
}

/** The gap each resource gets from the settle pause and the request rate alone (no running Jobs). */
export function predictedGapMs(window: number, requestsPerSecond: number, settleMs: number): number {
  return settleMs + (REQUESTS_AFTER_STOP * window * 1000) / requestsPerSecond;
}

export function rateWarning(budgetMs: number, predictedMs: number, requestsPerSecond: number, n: number) {
  return (
    `gap budget ${formatDuration(budgetMs)} will be exceeded for all ${n} CronJob(s): at ` +
    `handoff.requestsPerSecond=${requestsPerSecond} each one needs about ${formatDuration(predictedMs)} ` +
    "between its stop and its start; raise the rate limit if the API servers allow it"
  );
}

export function busyWarning(
  resource: string,
  budgetMs: number,
  active: number,
  source: string,
  elapsedMs: number,
) {
  return (
    `gap budget ${formatDuration(budgetMs)} will be exceeded for ${resource} unless its ${active} running ` +
    `Job(s) on ${source} finish within ${formatDuration(Math.max(0, budgetMs - elapsedMs))}: it stays ` +
    "stopped on both clusters until they do"
  );
}
