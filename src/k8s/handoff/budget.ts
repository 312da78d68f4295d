// The gap budget and the handoff's request arithmetic, as pure rules: how long one forbidden resource may
// be stopped on both clusters (by default the shortest schedule period among the forbidden CronJobs that
// move, so no CronJob misses a run by construction), how many requests the handoff sends, how many
// CronJobs are between their stop and their start at once (the window) and in one wave (one settle, one
// fresh list), and the gap the request rate alone implies. The code in cronjobHandoff.ts/cronjobWaves.ts
// does exactly this arithmetic; the tests check the request count against `handoffRequests`.

import type { ForbiddenSnapshot } from "../../migration/ports.js";
import { LIST_PAGE_SIZE } from "../listing.js";
import { formatDuration } from "./common.js";
import { shortestPeriodMs } from "./schedule.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

/** Requests one CronJob needs up to its stop: the stop itself (its mark in the same merge patch). */
export const REQUESTS_TO_STOP = 1;

/**
 * Requests one CronJob needs after its stop, at most: carry `status.lastScheduleTime` (the status
 * subresource: a main-resource patch cannot write status, so this cannot fold into the start) and the
 * start (with its marks and the resourceVersion precondition, in one merge patch). The carry is skipped
 * when the target's controller already counts from that time or later (a copy restored after the
 * schedule it must not repeat: cronjobs.ts carryLastSchedule). No read of its own: the reads are the
 * batched lists below, and the start's response is the object as written.
 */
export const REQUESTS_AFTER_STOP = 2;

/** Requests one CronJob needs in all, besides its share of the batched lists. */
export const REQUESTS_PER_CRONJOB = REQUESTS_TO_STOP + REQUESTS_AFTER_STOP;

/** Requests one list of `items` forbidden CronJobs takes (one per page, at least one). */
export function listRequests(items: number): number {
  return Math.max(1, Math.ceil(items / LIST_PAGE_SIZE));
}

/**
 * Requests a whole CronJob handoff sends at most with no faults, retries or conflicts: per moving CronJob
 * the stop, the carry and the start; lists (each `listRequests(listed)`): both clusters once before anything
 * changes, the source once per wave after its settle, the target once to read the starts back.
 * (A CronJob found already stopped or started by an earlier attempt skips that write; a wave whose stops
 * all lie a settle before the first list reuses it.)
 */
export function handoffRequests(moving: number, listed: number, waves: number): number {
  if (moving === 0) return 0;
  return moving * REQUESTS_PER_CRONJOB + listRequests(listed) * (2 + waves + 1);
}

export function defaultGapBudgetMs(entries: readonly Entry[], now: number): number | undefined {
  let best: number | undefined;
  // Once per distinct schedule: hundreds of CronJobs share a few, and parsing one is not free.
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.source?.suspend !== false || !e.schedule) continue;
    const tz = e.timeZone ?? "UTC";
    const k = `${tz} ${e.schedule}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const p = shortestPeriodMs(e.schedule, tz, now);
    if (p !== undefined && (best === undefined || p < best)) best = p;
  }
  return best;
}

/**
 * Requests per second the handoff can expect: the rate limit, or fewer when `concurrency` requests in
 * flight at `latencyMs` each cannot reach it (the latency measured on the first lists; unknown: the limit).
 */
export function effectiveRate(concurrency: number, requestsPerSecond: number, latencyMs?: number): number {
  if (latencyMs === undefined || !(latencyMs > 0)) return requestsPerSecond;
  return Math.min(requestsPerSecond, (concurrency * 1000) / latencyMs);
}

/**
 * CronJobs between their stop and their start at once, at least `concurrency`. Enough to keep the rate
 * limit busy while earlier ones sit in their settle pause (more would only queue behind the limit,
 * lengthening their gaps without finishing sooner), and never so many that waiting for the requests
 * after the stop costs more than about half the budget (and 10 s) at the rate the API servers really
 * give (`rate`: `effectiveRate`, so a slow server shrinks the window rather than the limit).
 */
export function windowSize(
  concurrency: number,
  requestsPerSecond: number,
  settleMs: number,
  budgetMs: number | undefined,
  rate = requestsPerSecond,
): number {
  const target = Math.min(budgetMs ?? Number.POSITIVE_INFINITY, 20_000) / 2 - settleMs;
  const byBudget = Math.floor((target * rate) / (REQUESTS_AFTER_STOP * 1000));
  const byThroughput = Math.ceil((requestsPerSecond * (settleMs + 1000)) / (REQUESTS_PER_CRONJOB * 1000));
  return Math.max(concurrency, Math.min(byBudget, byThroughput));
}

/**
 * CronJobs stopped together, settled together and read back with one list. A quarter of the window (at
 * least `concurrency`): the first wave is settling while the later ones stop, and its starts run while
 * they settle, so one settle pause is paid for the whole handoff when the window holds it all; a wave
 * of at least `concurrency` keeps the fresh list a small share of its requests.
 */
export function waveSize(window: number, concurrency: number): number {
  return Math.max(1, Math.min(window, Math.max(concurrency, Math.ceil(window / 4))));
}

/**
 * The longest gap the settle pause and the request rate alone give (no running Jobs): the first CronJob
 * of a wave waits for the wave's other stops, the settle, the wave's fresh list, then for the requests
 * after the stop of every CronJob in the window.
 */
export function predictedGapMs(
  window: number,
  wave: number,
  rate: number,
  settleMs: number,
  listed: number,
): number {
  const queued = wave - 1 + listRequests(listed) + REQUESTS_AFTER_STOP * window;
  return settleMs + (queued * 1000) / rate;
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
