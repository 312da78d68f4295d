// Rollback of the CronJob handoff: suspend on the target first, wait for its Jobs, carry the target's last
// run back to the source, then write the source's exact original spec, then the target's originals (never
// leaving the target unsuspended while the source runs).

import type { ForbiddenSnapshot, ProgressFn } from "../../migration/ports.js";
import { checkPool, type HandoffDeps, HandoffError, key } from "./common.js";
import {
  type CronObject,
  carryLastSchedule,
  cronLabel,
  readCron,
  setCronSpec,
  suspendCron,
  viewOf,
} from "./cronjobs.js";
import { drain } from "./drain.js";
import { runPool } from "./pool.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

/** Rollback: suspend on the target first, wait for its Jobs, then restore the source's original spec. */
export async function revertCronJobs(
  deps: HandoffDeps,
  entries: readonly Entry[],
  progress: ProgressFn,
): Promise<void> {
  const { source, target, clock } = deps;
  const total = entries.length;
  let done = 0;
  progress(0, total, "CronJobs");

  const withTarget = entries.filter((e) => e.target !== null);
  const pass1 = await runPool(withTarget, deps.concurrency, async (e) => {
    await suspendCron(target, e.namespace, e.name);
  });
  checkPool("suspending CronJobs on the target", pass1, cronLabel);
  await clock.sleep(deps.settleMs);

  const restoreSource = async (e: Entry, tgt: CronObject | undefined) => {
    if (e.source !== null) {
      const src = await readCron(source, e.namespace, e.name);
      if (src !== undefined) {
        let initial = src;
        if (!e.source.suspend) {
          // Carry the target's last run back, so the source does not catch up a run the target made.
          const carried = await carryLastSchedule(source, src, tgt ? viewOf(tgt).lastScheduleMs : undefined);
          initial = carried.object;
          if (carried.result === "unsupported") {
            deps.logger.warn(
              { cronJob: key(e.namespace, e.name) },
              "could not carry lastScheduleTime back to the source",
            );
          }
        }
        await setCronSpec(source, e.namespace, e.name, { ...e.source }, initial);
      }
    }
    // The target's own original flags, but never unsuspended while the source runs.
    if (e.target !== null) {
      const keepSuspended = e.source !== null && !e.source.suspend;
      await setCronSpec(target, e.namespace, e.name, {
        suspend: keepSuspended ? true : e.target.suspend,
        startingDeadlineSeconds: e.target.startingDeadlineSeconds,
      });
    }
    progress(++done, total, "CronJobs");
  };

  const checkTarget = async (e: Entry) => {
    if (e.target === null) return { quiet: true, data: undefined as CronObject | undefined };
    const cj = await readCron(target, e.namespace, e.name);
    if (cj === undefined) return { quiet: true, data: cj };
    const v = viewOf(cj);
    if (!v.suspend)
      throw new Error(`is unsuspended on ${target.name} after suspending it; not restoring the source`);
    return v.active > 0
      ? { quiet: false, data: cj, why: `${v.active} active Job(s)` }
      : { quiet: true, data: cj };
  };

  const drained = await drain<Entry, CronObject | undefined>({
    items: entries,
    check: checkTarget,
    onQuiet: restoreSource,
    concurrency: deps.concurrency,
    timeoutMs: deps.activeJobsTimeoutMs,
    pollMs: deps.drainPollMs,
    clock,
  });
  checkPool(
    "restoring CronJobs on the source",
    { started: total, failures: drained.failures, aborted: false },
    cronLabel,
  );
  if (drained.busy.length > 0) {
    throw new HandoffError(
      `${drained.busy.length} CronJob(s) still have running Jobs on ${target.name}; their source copies stay ` +
        `suspended: ${drained.busy
          .map((b) => cronLabel(b.item))
          .slice(0, 20)
          .join(", ")}. Retry the rollback once they finish.`,
      drained.busy.map((b) => cronLabel(b.item)),
    );
  }
}
