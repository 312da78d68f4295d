// Handoff of duplication-forbidden CronJobs: suspend on the source, read back, wait until the source has no
// active Jobs, then resume on the target only those that ran on the source, with the source's
// `status.lastScheduleTime` carried over first so the target's controller has no missed schedule to catch
// up. The rollback (cronjobRevert.ts) mirrors it.
//
// Invariant: a CronJob is unsuspended on the target only after a fresh read showed it suspended (and idle)
// on the source, and on the source only after a fresh read showed it suspended (and idle) on the target.

import type { V1CronJob } from "@kubernetes/client-node";
import type { ForbiddenSnapshot, ProgressFn } from "../../migration/ports.js";
import { checkPool, formatDuration, type Gap, type HandoffDeps, HandoffError, key } from "./common.js";
import { carryLastSchedule, readCron, setCronSpec, suspendCron, viewOf } from "./cronjobs.js";
import { drain } from "./drain.js";
import { runPool } from "./pool.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

const label = (e: Entry) => `CronJob ${key(e.namespace, e.name)}`;

export interface CronHandoffResult {
  moved: number;
  gaps: Gap[];
}

interface Quiet {
  cj: V1CronJob | undefined;
}

export async function handoffCronJobs(
  deps: HandoffDeps,
  entries: readonly Entry[],
  progress: ProgressFn,
  signal: AbortSignal,
): Promise<CronHandoffResult> {
  const { source, target, clock } = deps;
  const total = entries.length;
  let done = 0;
  const tick = () => progress(++done, total, "CronJobs");
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

  // Pass 1: suspend every forbidden CronJob on the source.
  const stoppedAt = new Map<Entry, number>();
  const withSource = entries.filter((e) => e.source !== null);
  const pass1 = await runPool(
    withSource,
    deps.concurrency,
    async (e) => {
      await suspendCron(source, e.namespace, e.name);
      stoppedAt.set(e, clock.now());
    },
    signal,
  );
  checkPool("suspending CronJobs on the source", pass1, label, signal);

  // Let a controller sync that started before the suspend land (its Job and lastScheduleTime) before reading.
  await clock.sleep(deps.settleMs, signal);

  const gaps: Gap[] = [];
  const deadlineRestores: Array<{ e: Entry; sourceLastMs: number | undefined }> = [];
  let moved = entries.length - withSource.length;
  for (let i = 0; i < moved; i++) tick();

  const start = async (e: Entry, src: V1CronJob | undefined) => {
    if (e.source?.suspend !== false) return; // was not running on the source: stays suspended on the target
    const restarted = await resumeOnTarget(deps, e, src);
    if (restarted.needsDeadlineRestore) {
      deadlineRestores.push({ e, sourceLastMs: src ? viewOf(src).lastScheduleMs : undefined });
    }
    if (restarted.startedAt !== undefined) {
      gaps.push({
        resource: label(e),
        gapMs: restarted.startedAt - (stoppedAt.get(e) ?? restarted.startedAt),
      });
    }
  };

  // Pass 2: read back each source; idle ones start on the target now, busy ones wait for their Jobs.
  const busy: Entry[] = [];
  const pass2 = await runPool(
    withSource,
    deps.concurrency,
    async (e) => {
      const q = await checkSource(deps, e);
      // Only a CronJob that will start on the target has to wait for its source Jobs.
      if (!q.quiet && e.source?.suspend === false) {
        busy.push(e);
        return;
      }
      await start(e, q.data.cj);
      moved += 1;
      tick();
    },
    signal,
  );
  checkPool("resuming CronJobs on the target", pass2, label, signal);

  const drained = await drain<Entry, Quiet>({
    items: busy,
    check: (e) => checkSource(deps, e),
    onQuiet: async (e, q) => {
      await start(e, q.cj);
      moved += 1;
      tick();
    },
    concurrency: deps.concurrency,
    timeoutMs: deps.activeJobsTimeoutMs,
    pollMs: deps.drainPollMs,
    clock,
    signal,
  });
  checkPool(
    "resuming CronJobs on the target",
    { started: busy.length, failures: drained.failures, aborted: false },
    label,
  );

  await restoreDeadlines(deps, deadlineRestores, signal);

  if (drained.busy.length > 0) {
    const names = drained.busy.map((b) => `${label(b.item)} (${b.why})`);
    throw new HandoffError(
      `${drained.busy.length} CronJob(s) still have running Jobs on ${source.name} after ` +
        `${formatDuration(deps.activeJobsTimeoutMs)}; they stay suspended on both clusters: ` +
        `${names.slice(0, 20).join(", ")}. Retry the handoff once they finish, or roll back.`,
      drained.busy.map((b) => label(b.item)),
    );
  }
  return { moved, gaps };
}

/** Fresh read of the source: it must be suspended; it is quiet when it has no active Jobs. */
async function checkSource(
  deps: HandoffDeps,
  e: Entry,
): Promise<{ quiet: boolean; data: Quiet; why?: string }> {
  const cj = await readCron(deps.source, e.namespace, e.name);
  if (cj === undefined) return { quiet: true, data: { cj } }; // deleted on the source: nothing runs there
  const v = viewOf(cj);
  if (!v.suspend) {
    // Someone unsuspended it after our patch: never start the twin; suspend again and report.
    await suspendCron(deps.source, e.namespace, e.name);
    throw new Error(
      `was unsuspended on ${deps.source.name} during the handoff; suspended again, not started`,
    );
  }
  return v.active > 0
    ? { quiet: false, data: { cj }, why: `${v.active} active Job(s)` }
    : { quiet: true, data: { cj } };
}

async function resumeOnTarget(
  deps: HandoffDeps,
  e: Entry,
  src: V1CronJob | undefined,
): Promise<{ startedAt?: number; needsDeadlineRestore: boolean }> {
  const { target } = deps;
  const original = e.target?.startingDeadlineSeconds ?? null;
  const short = deps.startingDeadlineSeconds;
  const tgt = await readCron(target, e.namespace, e.name);
  if (tgt === undefined) throw new Error(`has no copy on ${target.name}`);
  const tv = viewOf(tgt);
  if (!tv.suspend) {
    // Started by an earlier attempt (worker crash): only the fallback deadline may still need restoring.
    return { needsDeadlineRestore: tv.startingDeadlineSeconds === short && original !== short };
  }
  const lst = src ? viewOf(src).lastScheduleMs : undefined;
  const carried = await carryLastSchedule(target, tgt, lst);
  const fallback = carried.result === "unsupported";
  if (fallback) {
    deps.logger.warn(
      { cronJob: key(e.namespace, e.name), cluster: target.name },
      "status.lastScheduleTime could not be carried over; resuming with a short startingDeadlineSeconds instead",
    );
  }
  const written = await setCronSpec(
    target,
    e.namespace,
    e.name,
    fallback ? { suspend: false, startingDeadlineSeconds: short } : { suspend: false },
    carried.object,
  );
  const startedAt = deps.clock.now();
  if (written === undefined) throw new Error(`disappeared from ${target.name} while resuming`);
  const back = await readCron(target, e.namespace, e.name);
  if (back === undefined || viewOf(back).suspend) {
    throw new Error(`read back on ${target.name} shows it still suspended`);
  }
  return { startedAt, needsDeadlineRestore: fallback && original !== short };
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
