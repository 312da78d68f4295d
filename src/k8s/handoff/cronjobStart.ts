// Starting one forbidden CronJob on the target, from the target object the handoff listed before it
// changed anything: carry `status.lastScheduleTime` as its missed-run policy says (the status subresource,
// so a write of its own), then `suspend: false` with the start marks in the same merge patch and the
// resourceVersion of the object it decided from as precondition (a concurrent edit is a 409, re-read and
// decided again, never a lost update). The patch's response is the object as written: no read of its
// own; the handoff reads every start back with one list at the end.

import type { ForbiddenSnapshot } from "../../migration/ports.js";
import { checkPool, type HandoffDeps, key } from "./common.js";
import { type CronObject, carryLastSchedule, readCron, setCronSpec, viewOf } from "./cronjobs.js";
import { CARRIED_ANNOTATION, markValue, readMark, STARTED_ANNOTATION } from "./marks.js";
import { runPool } from "./pool.js";
import { lastScheduleToCarry } from "./schedule.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

export interface Started {
  startedAt?: number;
  carriedMs?: number;
  needsDeadlineRestore: boolean;
}

export async function startOnTarget(
  deps: HandoffDeps,
  e: Entry,
  /** The target as listed before anything changed (undefined: it has no copy). */
  tgt: CronObject | undefined,
  /** The source as read after its settle (undefined: deleted there). */
  src: CronObject | undefined,
  stoppedAt: number,
): Promise<Started> {
  const { target } = deps;
  const original = e.target?.startingDeadlineSeconds ?? null;
  const short = deps.startingDeadlineSeconds;
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
  if (carried.result === "changed") return startOnTarget(deps, e, carried.object, src, stoppedAt);
  const fallback = carried.result === "unsupported";
  if (fallback) {
    deps.logger.warn(
      { cronJob: key(e.namespace, e.name), cluster: target.name },
      "status.lastScheduleTime could not be carried over; resuming with a short startingDeadlineSeconds instead",
    );
  }
  // What the controller will count from: the carried time, or a later one the target already had (its
  // own lastScheduleTime, or its creation when it was restored after that time).
  const carriedMs =
    carry !== undefined && !fallback
      ? Math.max(Math.floor(carry / 1000) * 1000, viewOf(carried.object).countsFromMs ?? 0)
      : undefined;
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
        ...(carriedMs !== undefined ? { [CARRIED_ANNOTATION]: markValue(deps.migrationId, carriedMs) } : {}),
      };
    },
  );
  if (written === undefined) throw new Error(`disappeared from ${target.name} while resuming`);
  if (viewOf(written).suspend) throw new Error(`is still suspended on ${target.name} after resuming it`);
  // A 409 re-decided by another writer (a second attempt) may have started it first: its mark wins.
  return {
    startedAt: readMark(written, STARTED_ANNOTATION, deps.migrationId) ?? startedAt,
    ...(carriedMs !== undefined ? { carriedMs } : {}),
    needsDeadlineRestore: fallback && original !== short,
  };
}

/**
 * Fallback only: put the target's original deadline back once that can no longer cause a catch-up run,
 * i.e. once the target has a lastScheduleTime of its own at or after the source's last run (or the source
 * never ran). Until then the short deadline stays (a later handoff call retries; revert restores it).
 */
export async function restoreDeadlines(
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
  checkPool(
    "restoring startingDeadlineSeconds on the target",
    result,
    (x) => `CronJob ${key(x.e.namespace, x.e.name)}`,
  );
}
