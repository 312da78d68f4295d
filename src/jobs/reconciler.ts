import type { Effect } from "../migration/transitions/result.js";
import type { Migration } from "../migration/types.js";
import type { EngineRuntime } from "./runtime.js";
import { effectToJob, stepJobId } from "./stepJobs.js";

/**
 * The job a migration needs next, from its record alone. Enqueued on start-up and periodically, so a
 * crash between committing a transition and enqueueing its job loses nothing (job ids deduplicate).
 */
export function pendingEffect(m: Migration, now: number): Effect | undefined {
  switch (m.status) {
    case "running": {
      const st = m.steps[m.cursor]?.status;
      if (!st) return undefined;
      if (st.state === "pending") return { type: "run-step", stepIndex: m.cursor, run: 1, delayMs: 0 };
      if (st.state === "running") return { type: "run-step", stepIndex: m.cursor, run: st.run, delayMs: 0 };
      if (st.state === "waiting")
        return {
          type: "run-step",
          stepIndex: m.cursor,
          run: st.run + 1,
          delayMs: Math.max(0, st.until - now),
        };
      return undefined;
    }
    case "rolling-back":
      return m.rollback && m.rollback.cursor >= 0
        ? { type: "compensate-step", stepIndex: m.rollback.cursor, run: m.rollback.attempt }
        : undefined;
    case "awaiting-approval":
    case "halted":
    case "rollback-failed":
    case "completed":
    case "rolled-back":
    case "blocked":
    case "aborted":
      return undefined;
  }
}

/**
 * The job the record waits for has already completed: the commit it made was lost while its end was
 * kept (a Redis failover drops the old primary's last writes, and one connection may reach the new
 * primary before another). Its id would deduplicate the re-enqueue forever, so remove it; the step runs
 * again and converges (steps check the world first). Only while the record has not moved meanwhile.
 */
async function releaseFinished(rt: EngineRuntime, m: Migration, effect: Effect): Promise<void> {
  const job = await rt.queue.queue.getJob(stepJobId(effectToJob(m.id, effect).data));
  if (!job) return;
  const state = await job.getState();
  // A failed job is the lost-job handler's to record (it halts the migration); only a completed one is stuck.
  if (state !== "completed") return;
  if ((await rt.store.get(m.id))?.version !== m.version) return;
  rt.logger.warn(
    { migrationId: m.id, job: job.id, state },
    "record is behind its finished job; running the step again",
  );
  await job.remove();
}

export async function reconcile(rt: EngineRuntime): Promise<number> {
  let enqueued = 0;
  for (const id of await rt.store.activeIds()) {
    const m = await rt.store.get(id);
    if (!m) continue;
    const effect = pendingEffect(m, rt.now());
    if (effect) {
      await releaseFinished(rt, m, effect);
      await rt.queue.enqueue(id, [effect]);
      enqueued++;
    }
  }
  return enqueued;
}
