// CronJob schedule arithmetic for the handoff, as plain functions of data (cron-parser does the parsing):
// which schedule times fell inside a gap, the shortest period among a set of schedules (the default gap
// budget), and the lastScheduleTime to carry over so the target's controller catches up exactly what the
// CronJob's missed-run policy asks for.

import { CronExpressionParser } from "cron-parser";

export type MissedRunPolicy = "skip" | "run-once";

/** Label that opts a forbidden CronJob into one catch-up run on the target for a schedule lost in the gap. */
export const MISSED_RUN_LABEL = "hikkoshi.dev/missed-run";

export function missedRunPolicy(labels: Record<string, string>): MissedRunPolicy {
  return labels[MISSED_RUN_LABEL] === "run-once" ? "run-once" : "skip";
}

function parse(schedule: string, tz: string, at: number) {
  return CronExpressionParser.parse(schedule, { currentDate: new Date(at), tz });
}

/**
 * The two consecutive schedule times around the last moment asked about, per schedule: hundreds of
 * CronJobs share a few schedules and are handed over within one period, so most questions fall between
 * the same two times and need no parsing (parsing is most of the handoff's own CPU otherwise). Exact: no
 * schedule time lies strictly between `prev` and `next`.
 */
const neighbours = new Map<string, { prev: number; next: number }>();

function around(schedule: string, tz: string, at: number): { prev: number; next: number } | undefined {
  const k = `${tz}\u0000${schedule}`;
  const known = neighbours.get(k);
  if (known && known.prev <= at && at < known.next) return known;
  let found: { prev: number; next: number };
  try {
    found = {
      prev: parse(schedule, tz, at + 1)
        .prev()
        .getTime(),
      next: parse(schedule, tz, at).next().getTime(),
    };
  } catch {
    return undefined;
  }
  if (neighbours.size >= 1_000) neighbours.clear();
  neighbours.set(k, found);
  return found;
}

/** Schedule times t with from < t <= to, oldest first (at most `limit`). */
export function scheduleTimesBetween(
  schedule: string,
  tz: string,
  from: number,
  to: number,
  limit = 100,
): number[] {
  if (!(to > from)) return [];
  const near = around(schedule, tz, from);
  if (near === undefined) return [];
  if (to < near.next) return [];
  try {
    const expr = parse(schedule, tz, from);
    const out: number[] = [];
    while (out.length < limit) {
      const t = expr.next().getTime();
      if (t > to) break;
      if (t > from) out.push(t);
    }
    return out;
  } catch {
    return [];
  }
}

/** The latest schedule time at or before `at`, or undefined (unparseable schedule). */
export function latestScheduleAtOrBefore(schedule: string, tz: string, at: number): number | undefined {
  return around(schedule, tz, at)?.prev;
}

/** Shortest interval between consecutive runs over the next `samples` runs after `from`. */
export function shortestPeriodMs(
  schedule: string,
  tz: string,
  from: number,
  samples = 8,
): number | undefined {
  try {
    const expr = parse(schedule, tz, from);
    let prev = expr.next().getTime();
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < samples; i++) {
      const t = expr.next().getTime();
      best = Math.min(best, t - prev);
      prev = t;
    }
    return Number.isFinite(best) ? best : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `status.lastScheduleTime` to write on the target before unsuspending it. The controller runs at
 * most the most recent schedule after it (DOMAIN.md), so:
 * - `skip` (the default): the latest schedule time up to a moment `leadMs` from now, so nothing is left
 *   to catch up even if a schedule falls while the start is on its way (a lastScheduleTime a moment in the
 *   future only makes the controller wait for the schedule after it);
 * - `run-once`: the source's last run (or the last schedule before the stop), so exactly the most recent
 *   schedule that fell in the gap is run, once, on the target.
 * Never earlier than the source's last run: the target must not repeat a run the source made.
 */
export function lastScheduleToCarry(args: {
  policy: MissedRunPolicy;
  schedule: string;
  tz: string;
  sourceLastMs: number | undefined;
  stoppedAt: number;
  now: number;
  /** How long the start may take to land after this decision (status write, queue, the start itself). */
  leadMs?: number;
}): number | undefined {
  const { policy, schedule, tz, sourceLastMs, stoppedAt, now } = args;
  const upTo = policy === "skip" ? now + (args.leadMs ?? START_LEAD_MS) : stoppedAt;
  const latest = latestScheduleAtOrBefore(schedule, tz, upTo);
  if (latest === undefined) return sourceLastMs;
  return sourceLastMs === undefined ? latest : Math.max(latest, sourceLastMs);
}

/** Default `leadMs`: what a status write and an unsuspend take, rate limit included, with margin. */
export const START_LEAD_MS = 2_000;

/** How far before its stop a CronJob's missed schedule still counts as the handoff's. */
export const LOOKBACK_MS = 60_000;

export interface MissedRun {
  scheduledAt: number;
  /** lost: ran on neither cluster; target: the controller's one catch-up run on the target. */
  outcome: "lost" | "runs-on-target";
  why?: string;
}

/**
 * The schedule times that fell in a gap and what became of each. On unsuspend the target's controller
 * runs the most recent schedule after the carried lastScheduleTime (unless the CronJob's own
 * startingDeadlineSeconds says it is too late): that one runs on the target, every other one in the gap
 * ran on neither cluster.
 */
export function missedRuns(args: {
  schedule: string;
  tz: string;
  sourceLastMs: number | undefined;
  stoppedAt: number;
  startedAt: number;
  carriedMs: number | undefined;
  startingDeadlineSeconds: number | null;
}): MissedRun[] {
  // From the source's last run: a schedule its controller had not yet run when the stop landed (it lags
  // by a sync) did not happen either. Not further back than a minute: older misses are not the handoff's.
  const from = Math.max(args.sourceLastMs ?? args.stoppedAt, args.stoppedAt - LOOKBACK_MS);
  // Up to the start, or to the carried time when that lies after it (a schedule just after the start
  // that the controller was told had run).
  const to = Math.max(args.startedAt, args.carriedMs ?? args.startedAt);
  const times = scheduleTimesBetween(args.schedule, args.tz, from, to);
  if (times.length === 0) return [];
  const out: MissedRun[] = times.map((t) => ({ scheduledAt: t, outcome: "lost" }));
  const last = out.at(-1)!;
  if (args.carriedMs !== undefined && last.scheduledAt <= args.carriedMs) return out;
  const sds = args.startingDeadlineSeconds;
  if (sds !== null && last.scheduledAt + sds * 1000 < args.startedAt) {
    last.why = `its startingDeadlineSeconds (${sds} s) is shorter than the gap`;
  } else last.outcome = "runs-on-target";
  return out;
}
