// Handoff of duplication-forbidden CronJobs, one CronJob at a time through a bounded window (not "stop
// everything, then start everything"), so each one's gap is its own settle pause and a few requests:
// stop on the source (the moment written on the object in the same patch), pause so a controller sync
// already under way lands, wait until the source has no active Job, then start on the target with the
// lastScheduleTime its missed-run policy asks for, marking the start moment the same way. A worker crash
// anywhere leaves both moments on the objects, so the retry reports the true gap.
//
// Invariant: a CronJob is unsuspended on the target only after a fresh read showed it suspended (and idle)
// on the source, and on the source only after a fresh read showed it suspended (and idle) on the target.

import type { V1CronJob } from "@kubernetes/client-node";
import type { ForbiddenSnapshot, HandoffReport, ProgressFn } from "../../migration/ports.js";
import { busyWarning, defaultGapBudgetMs, predictedGapMs, rateWarning, windowSize } from "./budget.js";
import { checkPool, formatDuration, type Gap, type HandoffDeps, HandoffError, key } from "./common.js";
import { carryLastSchedule, readCron, setCronSpec, stopCron, viewOf } from "./cronjobs.js";
import { CARRIED_ANNOTATION, markValue, readMark, STARTED_ANNOTATION, STOPPED_ANNOTATION } from "./marks.js";
import { runPool } from "./pool.js";
import { lastScheduleToCarry, missedRuns } from "./schedule.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];
type MissedRunEntry = NonNullable<HandoffReport["missedRuns"]>[number];

const label = (e: Entry) => `CronJob ${key(e.namespace, e.name)}`;

export interface CronHandoffResult {
  moved: number;
  gaps: Gap[];
  missedRuns: MissedRunEntry[];
  gapBudgetMs?: number;
  overBudget: string[];
}

class StillBusy extends Error {}

export async function handoffCronJobs(
  deps: HandoffDeps,
  entries: readonly Entry[],
  progress: ProgressFn,
  signal: AbortSignal,
): Promise<CronHandoffResult> {
  const { source, target, clock } = deps;
  const total = entries.length;
  let done = 0;
  // The live message shows the latest note with every count, so a throttled update cannot drop it.
  let note: string | undefined;
  const tick = () => progress(++done, total, "CronJobs", note);
  const warn = (text: string, short: string) => {
    note = short;
    progress(done, total, "CronJobs", note);
    deps.note?.(text);
  };
  progress(0, total, "CronJobs");

  // A running source CronJob without a target copy would be lost: refuse before changing anything.
  const missing = entries.filter((e) => e.source?.suspend === false && e.target === null);
  if (missing.length > 0) {
    throw new HandoffError(
      `${missing.length} forbidden CronJob(s) have no copy on ${target.name} (was the restore completed?): ` +
        missing.slice(0, 20).map(label).join(", "),
      missing.map(label),
    );
  }

  const moving = entries.filter((e) => e.source?.suspend === false);
  for (let i = 0; i < total - moving.length; i++) tick(); // stay as they are on both clusters

  const budget = deps.gapBudgetMs ?? defaultGapBudgetMs(moving, clock.now());
  const window = windowSize(deps.concurrency, deps.requestsPerSecond, deps.settleMs, budget);
  if (budget !== undefined && moving.length > 0) {
    const predicted = predictedGapMs(Math.min(window, moving.length), deps.requestsPerSecond, deps.settleMs);
    if (predicted > budget) {
      warn(
        rateWarning(budget, predicted, deps.requestsPerSecond, moving.length),
        `over ${formatDuration(budget)} budget: all (rate limit)`,
      );
    }
  }

  const attemptStart = clock.now();
  const gaps: Gap[] = [];
  const missed: MissedRunEntry[] = [];
  const overBudget: string[] = [];
  const deadlineRestores: Array<{ e: Entry; sourceLastMs: number | undefined }> = [];
  const busy: Array<{ e: Entry; why: string }> = [];

  const moveOne = async (e: Entry) => {
    const { stoppedAt, src } = await stopOnSource(deps, e);
    // Let a controller sync that started before the suspend land (its Job and lastScheduleTime).
    const settle = stoppedAt + deps.settleMs - clock.now();
    if (settle > 0) await clock.sleep(settle);
    let quiet = src;
    let warned = false;
    let waited = 0;
    for (;;) {
      const q = await checkSource(deps, e);
      if (q.quiet) {
        quiet = q.cj;
        break;
      }
      const elapsed = clock.now() - stoppedAt;
      if (!warned && budget !== undefined) {
        warned = true;
        waited = q.active;
        warn(
          busyWarning(label(e), budget, q.active, source.name, elapsed),
          `over budget: ${key(e.namespace, e.name)} (Job running)`,
        );
      }
      if (elapsed >= deps.activeJobsTimeoutMs) throw new StillBusy(`${q.active} active Job(s)`);
      await clock.sleep(deps.drainPollMs);
    }
    const started = await resumeOnTarget(deps, e, quiet, stoppedAt);
    if (started.needsDeadlineRestore) {
      deadlineRestores.push({ e, sourceLastMs: quiet ? viewOf(quiet).lastScheduleMs : undefined });
    }
    if (started.startedAt !== undefined) {
      const gapMs = Math.max(0, started.startedAt - stoppedAt);
      gaps.push({ resource: label(e), gapMs, stoppedAt, startedAt: started.startedAt });
      if (budget !== undefined && gapMs > budget) {
        const why =
          waited > 0
            ? `waited for ${waited} running Job(s) on ${source.name}`
            : stoppedAt < attemptStart
              ? "stopped by an earlier attempt that did not finish (worker restart)"
              : "the request rate";
        overBudget.push(`${label(e)}: ${formatDuration(gapMs)}, ${why}`);
      }
      if (e.schedule) {
        const tz = e.timeZone ?? "UTC";
        for (const m of missedRuns({
          schedule: e.schedule,
          tz,
          sourceLastMs: quiet ? viewOf(quiet).lastScheduleMs : undefined,
          stoppedAt,
          startedAt: started.startedAt,
          carriedMs: started.carriedMs,
          startingDeadlineSeconds: e.target?.startingDeadlineSeconds ?? null,
        })) {
          missed.push({ resource: key(e.namespace, e.name), timeZone: tz, ...m });
        }
      }
    }
    tick();
  };

  const result = await runPool(
    moving,
    window,
    async (e) => {
      try {
        await moveOne(e);
      } catch (err) {
        if (!(err instanceof StillBusy)) throw err;
        busy.push({ e, why: err.message });
      }
    },
    signal,
  );
  checkPool("handing over CronJobs", result, label, signal);

  await restoreDeadlines(deps, deadlineRestores, signal);

  if (busy.length > 0) {
    const names = busy.map((b) => `${label(b.e)} (${b.why})`);
    throw new HandoffError(
      `${busy.length} CronJob(s) still have running Jobs on ${source.name} after ` +
        `${formatDuration(deps.activeJobsTimeoutMs)}; they stay suspended on both clusters: ` +
        `${names.slice(0, 20).join(", ")}. Retry the handoff once they finish, or roll back.`,
      busy.map((b) => label(b.e)),
    );
  }
  const out: CronHandoffResult = { moved: done, gaps, missedRuns: missed, overBudget };
  if (budget !== undefined) out.gapBudgetMs = budget;
  return out;
}

/**
 * Suspends on the source with the stop moment written alongside, unless an earlier attempt of this
 * migration already did (its mark is the true stop moment).
 */
async function stopOnSource(
  deps: HandoffDeps,
  e: Entry,
): Promise<{ stoppedAt: number; src: V1CronJob | undefined }> {
  const cj = await readCron(deps.source, e.namespace, e.name);
  if (cj === undefined) return { stoppedAt: deps.clock.now(), src: undefined }; // gone: nothing runs there
  const mark = readMark(cj, STOPPED_ANNOTATION, deps.migrationId);
  if (viewOf(cj).suspend) return { stoppedAt: mark ?? deps.clock.now(), src: cj };
  let at = deps.clock.now();
  const written = await stopCron(deps.source, e.namespace, e.name, () => {
    at = deps.clock.now();
    return { [STOPPED_ANNOTATION]: markValue(deps.migrationId, at) };
  });
  return { stoppedAt: at, src: written };
}

/** Fresh read of the source: it must be suspended; it is quiet when it has no active Jobs. */
async function checkSource(
  deps: HandoffDeps,
  e: Entry,
): Promise<{ quiet: true; cj: V1CronJob | undefined } | { quiet: false; active: number }> {
  const cj = await readCron(deps.source, e.namespace, e.name);
  if (cj === undefined) return { quiet: true, cj }; // deleted on the source: nothing runs there
  const v = viewOf(cj);
  if (!v.suspend) {
    // Someone unsuspended it after our patch: never start the twin; suspend again and report.
    await stopCron(deps.source, e.namespace, e.name, () => ({}));
    throw new Error(
      `was unsuspended on ${deps.source.name} during the handoff; suspended again, not started`,
    );
  }
  return v.active > 0 ? { quiet: false, active: v.active } : { quiet: true, cj };
}

async function resumeOnTarget(
  deps: HandoffDeps,
  e: Entry,
  src: V1CronJob | undefined,
  stoppedAt: number,
): Promise<{ startedAt?: number; carriedMs?: number; needsDeadlineRestore: boolean }> {
  const { target } = deps;
  const original = e.target?.startingDeadlineSeconds ?? null;
  const short = deps.startingDeadlineSeconds;
  const tgt = await readCron(target, e.namespace, e.name);
  if (tgt === undefined) throw new Error(`has no copy on ${target.name}`);
  const tv = viewOf(tgt);
  if (!tv.suspend) {
    // Started by an earlier attempt (worker crash): its mark says when; only the fallback deadline may
    // still need restoring.
    const startedAt = readMark(tgt, STARTED_ANNOTATION, deps.migrationId);
    const carriedMs = readMark(tgt, CARRIED_ANNOTATION, deps.migrationId);
    return {
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(carriedMs !== undefined ? { carriedMs } : {}),
      needsDeadlineRestore: tv.startingDeadlineSeconds === short && original !== short,
    };
  }
  const sourceLastMs = src ? viewOf(src).lastScheduleMs : undefined;
  const now = deps.clock.now();
  const carry = e.schedule
    ? lastScheduleToCarry({
        policy: e.missedRun ?? "skip",
        schedule: e.schedule,
        tz: e.timeZone ?? "UTC",
        sourceLastMs,
        stoppedAt,
        now,
      })
    : sourceLastMs;
  const carried = await carryLastSchedule(target, tgt, carry);
  const fallback = carried.result === "unsupported";
  if (fallback) {
    deps.logger.warn(
      { cronJob: key(e.namespace, e.name), cluster: target.name },
      "status.lastScheduleTime could not be carried over; resuming with a short startingDeadlineSeconds instead",
    );
  }
  let startedAt = deps.clock.now();
  const written = await setCronSpec(
    target,
    e.namespace,
    e.name,
    fallback ? { suspend: false, startingDeadlineSeconds: short } : { suspend: false },
    carried.object,
    () => {
      startedAt = deps.clock.now();
      return {
        [STARTED_ANNOTATION]: markValue(deps.migrationId, startedAt),
        ...(carry !== undefined && !fallback
          ? { [CARRIED_ANNOTATION]: markValue(deps.migrationId, Math.floor(carry / 1000) * 1000) }
          : {}),
      };
    },
  );
  if (written === undefined) throw new Error(`disappeared from ${target.name} while resuming`);
  const back = await readCron(target, e.namespace, e.name);
  if (back === undefined || viewOf(back).suspend) {
    throw new Error(`read back on ${target.name} shows it still suspended`);
  }
  // A 409 re-decided by another writer (a second attempt) may have started it first: its mark wins.
  const mark = readMark(back, STARTED_ANNOTATION, deps.migrationId) ?? startedAt;
  return {
    startedAt: mark,
    ...(carry !== undefined && !fallback ? { carriedMs: Math.floor(carry / 1000) * 1000 } : {}),
    needsDeadlineRestore: fallback && original !== short,
  };
}

/**
 * Fallback only: put the target's original deadline back once that can no longer cause a catch-up run,
 * i.e. once the target has a lastScheduleTime of its own at or after the source's last run (or the source
 * never ran). Until then the short deadline stays (a later handoff call retries; revert restores it).
 */
async function restoreDeadlines(
  deps: HandoffDeps,
  entries: ReadonlyArray<{ e: Entry; sourceLastMs: number | undefined }>,
  signal: AbortSignal,
): Promise<void> {
  if (entries.length === 0) return;
  await deps.clock.sleep((deps.startingDeadlineSeconds + 2) * 1000, signal);
  const result = await runPool(entries, deps.concurrency, async ({ e, sourceLastMs }) => {
    const cj = await readCron(deps.target, e.namespace, e.name);
    if (cj === undefined) return;
    const v = viewOf(cj);
    if (v.startingDeadlineSeconds !== deps.startingDeadlineSeconds) return;
    const safe =
      sourceLastMs === undefined || (v.lastScheduleMs !== undefined && v.lastScheduleMs >= sourceLastMs);
    if (!safe) {
      deps.logger.warn(
        { cronJob: key(e.namespace, e.name), startingDeadlineSeconds: deps.startingDeadlineSeconds },
        "keeping the short startingDeadlineSeconds until the target's first run; re-run the handoff to restore it",
      );
      return;
    }
    await setCronSpec(
      deps.target,
      e.namespace,
      e.name,
      { suspend: v.suspend, startingDeadlineSeconds: e.target?.startingDeadlineSeconds ?? null },
      cj,
    );
  });
  checkPool("restoring startingDeadlineSeconds on the target", result, (x) => label(x.e));
}
