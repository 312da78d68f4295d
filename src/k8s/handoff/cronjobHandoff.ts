// Handoff of duplication-forbidden CronJobs in waves through a bounded window (not "stop everything, then
// start everything", so a gap never grows with the number of CronJobs), at the fewest requests a correct
// handoff needs: one list of each cluster before anything changes; per wave, the stops (each with its
// stop moment in the same patch), one settle pause so a controller sync already under way lands its Job
// and lastScheduleTime, one fresh list of the source; then per CronJob found suspended and idle, the carry
// of lastScheduleTime and the start (its marks in the same patch, resourceVersion precondition); at the
// end one list of the target reads every start back. A worker crash anywhere leaves both moments on the
// objects, so the retry reports the true gap (and skips every write an earlier attempt made).
//
// Invariant: a CronJob is unsuspended on the target only after a read started at least a settle pause
// after its stop showed it suspended (and idle) on the source.

import type { ForbiddenSnapshot, HandoffReport, ProgressFn } from "../../migration/ports.js";
import {
  busyWarning,
  defaultGapBudgetMs,
  effectiveRate,
  listRequests,
  predictedGapMs,
  rateWarning,
  waveSize,
  windowSize,
} from "./budget.js";
import { checkPool, formatDuration, type Gap, type HandoffDeps, HandoffError, key } from "./common.js";
import { listedOrRead, readBack } from "./cronjobReads.js";
import { restoreDeadlines, type Started, startOnTarget } from "./cronjobStart.js";
import { type CronObject, cronLabel, listCronJobs, readCron, stopCron, viewOf } from "./cronjobs.js";
import { markValue, readMark, STOPPED_ANNOTATION } from "./marks.js";
import { missedRuns } from "./schedule.js";
import { runWaves } from "./waves.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];
type MissedRunEntry = NonNullable<HandoffReport["missedRuns"]>[number];

const keyOf = (e: Entry) => key(e.namespace, e.name);

export interface CronHandoffResult {
  moved: number;
  gaps: Gap[];
  missedRuns: MissedRunEntry[];
  gapBudgetMs?: number;
  overBudget: string[];
}

interface Stopped {
  stoppedAt: number;
  /** The source as last read or written (undefined: deleted there, nothing runs). */
  src: CronObject | undefined;
  /** Whether the first list (started at `listedAt`) already shows it a settle pause after its stop. */
  settled: boolean;
}

type SourceState = { quiet: true; src: CronObject | undefined } | { quiet: false; active: number };

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
        missing.slice(0, 20).map(cronLabel).join(", "),
      missing.map(cronLabel),
    );
  }

  const moving = entries.filter((e) => e.source?.suspend === false);
  for (let i = 0; i < total - moving.length; i++) tick(); // stay as they are on both clusters
  const out: CronHandoffResult = { moved: 0, gaps: [], missedRuns: [], overBudget: [] };
  const budget = deps.gapBudgetMs ?? defaultGapBudgetMs(moving, clock.now());
  if (budget !== undefined) out.gapBudgetMs = budget;
  if (moving.length === 0) return { ...out, moved: done };

  // The batched reads before anything changes: what an earlier attempt already stopped or started (its
  // marks), and the objects the writes decide from. Their round trip tells the rate the servers give.
  const list = async (client: typeof source) => {
    const t0 = clock.now();
    const items = await listCronJobs(client, deps.forbiddenSelector, deps.excludedNamespaces);
    return { items, perRequestMs: (clock.now() - t0) / listRequests(items.size) };
  };
  const listedAt = clock.now();
  // The stops need only the source's list; the target's is awaited by the first start.
  const targetList = list(target);
  targetList.catch(() => {}); // awaited by every start: its failure is theirs
  const first = await list(source);
  const listed = first.items.size;
  const rate = effectiveRate(deps.concurrency, deps.requestsPerSecond, first.perRequestMs);
  const window = Math.min(
    windowSize(deps.concurrency, deps.requestsPerSecond, deps.settleMs, budget, rate),
    moving.length,
  );
  const wave = waveSize(window, deps.concurrency);
  if (budget !== undefined) {
    const predicted = predictedGapMs(window, wave, rate, deps.settleMs, listed);
    if (predicted > budget) {
      warn(
        rateWarning(budget, predicted, deps.requestsPerSecond, moving.length),
        `over ${formatDuration(budget)} budget: all (rate limit)`,
      );
    }
  }

  const attemptStart = clock.now();
  const started: Array<{ e: Entry; startedAt: number | undefined }> = [];
  const deadlineRestores: Array<{ e: Entry; sourceLastMs: number | undefined }> = [];
  const busy: Array<{ e: Entry; why: string }> = [];
  const failures: Array<{ item: Entry; error: unknown }> = [];
  const waiting: Array<Promise<void>> = [];

  /** Suspends on the source with the stop moment alongside, unless it already is (its mark is the moment). */
  const stop = async (e: Entry): Promise<Stopped> => {
    const cj = await listedOrRead(first.items, source, e);
    if (cj === undefined) return { stoppedAt: clock.now(), src: undefined, settled: true };
    const mark = readMark(cj, STOPPED_ANNOTATION, deps.migrationId);
    if (viewOf(cj).suspend) {
      const stoppedAt = mark ?? clock.now();
      return { stoppedAt, src: cj, settled: listedAt >= stoppedAt + deps.settleMs };
    }
    let at = clock.now();
    const written = await stopCron(source, e.namespace, e.name, () => {
      at = clock.now();
      return { [STOPPED_ANNOTATION]: markValue(deps.migrationId, at) };
    });
    return { stoppedAt: at, src: written, settled: written === undefined };
  };

  /** The source as a settled read shows it: it must be suspended; it is quiet when no Job is active. */
  const sourceState = async (e: Entry, cj: CronObject | undefined): Promise<SourceState> => {
    if (cj === undefined) return { quiet: true, src: undefined }; // deleted on the source: nothing runs
    const v = viewOf(cj);
    if (!v.suspend) {
      // Someone unsuspended it after our patch: never start the twin; suspend again and report.
      await stopCron(source, e.namespace, e.name, () => ({}));
      throw new Error(`was unsuspended on ${source.name} during the handoff; suspended again, not started`);
    }
    return v.active > 0 ? { quiet: false, active: v.active } : { quiet: true, src: cj };
  };

  const startAndRecord = async (e: Entry, s: Stopped, src: CronObject | undefined, waited: number) => {
    const tgt = await listedOrRead((await targetList).items, target, e);
    const result = await startOnTarget(deps, e, tgt, src, s.stoppedAt);
    record(e, s.stoppedAt, src, result, waited);
    started.push({ e, startedAt: result.startedAt });
    tick();
  };

  const record = (e: Entry, stoppedAt: number, src: CronObject | undefined, r: Started, waited: number) => {
    const sourceLastMs = src ? viewOf(src).lastScheduleMs : undefined;
    if (r.needsDeadlineRestore) deadlineRestores.push({ e, sourceLastMs });
    if (r.startedAt === undefined) return;
    const gapMs = Math.max(0, r.startedAt - stoppedAt);
    out.gaps.push({ resource: cronLabel(e), gapMs, stoppedAt, startedAt: r.startedAt });
    if (budget !== undefined && gapMs > budget) {
      const why =
        waited > 0
          ? `waited for ${waited} running Job(s) on ${source.name}`
          : stoppedAt < attemptStart
            ? "stopped by an earlier attempt that did not finish (worker restart)"
            : "the request rate";
      out.overBudget.push(`${cronLabel(e)}: ${formatDuration(gapMs)}, ${why}`);
    }
    if (!e.schedule) return;
    const tz = e.timeZone ?? "UTC";
    for (const m of missedRuns({
      schedule: e.schedule,
      tz,
      sourceLastMs,
      stoppedAt,
      startedAt: r.startedAt,
      carriedMs: r.carriedMs,
      startingDeadlineSeconds: e.target?.startingDeadlineSeconds ?? null,
    })) {
      out.missedRuns.push({ resource: keyOf(e), timeZone: tz, ...m });
    }
  };

  /** Out of the window: polls one CronJob whose source still runs a Job, then starts it. */
  const waitForJobs = async (e: Entry, s: Stopped, active: number) => {
    if (budget !== undefined) {
      warn(
        busyWarning(cronLabel(e), budget, active, source.name, clock.now() - s.stoppedAt),
        `over budget: ${keyOf(e)} (Job running)`,
      );
    }
    for (;;) {
      if (clock.now() - s.stoppedAt >= deps.activeJobsTimeoutMs)
        throw new StillBusy(`${active} active Job(s)`);
      await clock.sleep(deps.drainPollMs);
      const state = await sourceState(e, await readCron(source, e.namespace, e.name));
      if (state.quiet) return startAndRecord(e, s, state.src, active);
      active = state.active;
    }
  };

  const fail = (e: Entry, error: unknown) => {
    if (error instanceof StillBusy) busy.push({ e, why: error.message });
    else failures.push({ item: e, error });
  };

  /** One wave after its stops: one settle pause, one fresh list of the source, then its starts. */
  const finish = async (
    wave: ReadonlyArray<{ item: Entry; stopped: Stopped }>,
    release: (n: number) => void,
  ) => {
    let fresh: Map<string, CronObject> | undefined;
    const unsettled = wave.filter((w) => !w.stopped.settled);
    if (unsettled.length > 0) {
      const until = Math.max(...unsettled.map((w) => w.stopped.stoppedAt)) + deps.settleMs;
      const pause = until - clock.now();
      if (pause > 0) await clock.sleep(pause);
      fresh = await listCronJobs(source, deps.forbiddenSelector, deps.excludedNamespaces);
    }
    const settledRead = async (e: Entry, s: Stopped) =>
      s.settled || s.src === undefined || fresh === undefined ? s.src : listedOrRead(fresh, source, e);
    await Promise.all(
      wave.map(async ({ item: e, stopped: s }) => {
        try {
          const state = await sourceState(e, await settledRead(e, s));
          if (!state.quiet) {
            release(1); // waiting for Jobs, not for requests: make room for the next wave
            waiting.push(waitForJobs(e, s, state.active).catch((err: unknown) => fail(e, err)));
            return;
          }
          await startAndRecord(e, s, state.src, 0);
        } catch (err) {
          fail(e, err);
        }
        release(1);
      }),
    );
  };

  const result = await runWaves({
    items: moving,
    window,
    wave,
    concurrency: deps.concurrency,
    signal,
    stop,
    finish,
  });
  await Promise.all(waiting);
  failures.push(...result.failures);
  checkPool(
    "handing over CronJobs",
    { started: result.started, failures, aborted: false },
    cronLabel,
    signal,
  );

  await readBack(deps, started);
  await restoreDeadlines(deps, deadlineRestores, signal);

  if (busy.length > 0) {
    const names = busy.map((b) => `${cronLabel(b.e)} (${b.why})`);
    throw new HandoffError(
      `${busy.length} CronJob(s) still have running Jobs on ${source.name} after ` +
        `${formatDuration(deps.activeJobsTimeoutMs)}; they stay suspended on both clusters: ` +
        `${names.slice(0, 20).join(", ")}. Retry the handoff once they finish, or roll back.`,
      busy.map((b) => cronLabel(b.e)),
    );
  }
  return { ...out, moved: done };
}
