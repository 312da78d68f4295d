import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { onCompensationJobLost, runCompensationJob } from "./compensationRunner.js";
import { onForwardJobLost, runForwardJob } from "./forwardRunner.js";
import { watchLock } from "./lockWatch.js";
import type { EngineRuntime } from "./runtime.js";
import { STEP_QUEUE, type StepJobData } from "./stepJobs.js";

export interface WorkerTuning {
  concurrency: number;
  /** How long a worker's lock on a job lasts without renewal (renewed every half of it while alive). */
  lockDurationMs: number;
  /** How often workers look for jobs whose worker died; such a job is picked up again at most `maxStalledCount` times. */
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/**
 * Production defaults, chosen so a step whose worker died continues within 15 s (issue 12: a handoff
 * left half-way keeps CronJobs stopped on both clusters, and a one-minute schedule must not be missed).
 * A live worker renews its lock every 2-4 s; a dead one's lock expires at most `lockDurationMs` after
 * its death, and the next stalled check (every `stalledIntervalMs`, by any worker, also at start-up)
 * moves the job back to wait: at most 8 + 3 s after the death, plus a check or two after a restart.
 * The price: a worker whose event loop is blocked for more than about 4 s loses its lock and the step
 * goes to another worker. So that two workers do not act on one step, a worker whose lock no longer
 * holds its token (lockWatch.ts, checked every second, and BullMQ's failed renewal) aborts the step at
 * once (the handoff starts no new item; in-flight ones finish, each guarded by a fresh read and a
 * resourceVersion precondition) and records nothing. `maxStalledCount` 3: three crashes
 * of one step in a row halt it instead of looping on a step that kills its worker.
 */
export const DEFAULT_TUNING: WorkerTuning = {
  concurrency: 8,
  lockDurationMs: 8_000,
  stalledIntervalMs: 3_000,
  maxStalledCount: 3,
};

export function startStepWorker(
  rt: EngineRuntime,
  connection: Redis,
  tuning: WorkerTuning,
): Worker<StepJobData> {
  const running = new Map<string, AbortController>();
  const worker = new Worker<StepJobData>(
    STEP_QUEUE,
    // Three parameters: BullMQ then hands each job an AbortSignal, which `cancelJob` aborts.
    async (job: Job<StepJobData>, token?: string, cancelled?: AbortSignal) => {
      // The stalled check handed this job back to this very worker while an earlier processing of it is
      // still stopping: stop that one and let BullMQ retry this one after its backoff, so the two never
      // overlap (BullMQ tracks locks per job id, so they could not both keep theirs either).
      const earlier = running.get(job.id ?? "");
      if (earlier) {
        earlier.abort(new Error("lock lost"));
        throw new Error("this step is still stopping in this worker after losing its lock; retrying shortly");
      }
      const lockLost = new AbortController();
      running.set(job.id ?? "", lockLost);
      cancelled?.addEventListener("abort", () => lockLost.abort(cancelled.reason), { once: true });
      const lockKey = `${worker.opts.prefix ?? "bull"}:${STEP_QUEUE}:${job.id}:lock`;
      const stopWatch = token
        ? watchLock(connection, lockKey, token, Math.min(1_000, tuning.lockDurationMs / 4), (holder) => {
            rt.logger.warn(
              { job: job.id, taken: holder !== null },
              "lost the lock on a running step; aborting it here",
            );
            lockLost.abort(new Error("lock lost"));
          })
        : () => {};
      try {
        switch (job.data.phase) {
          case "forward":
            return await runForwardJob(rt, job, lockLost.signal);
          case "compensate":
            return await runCompensationJob(rt, job, undefined, lockLost.signal);
        }
      } finally {
        stopWatch();
        if (running.get(job.id ?? "") === lockLost) running.delete(job.id ?? "");
      }
    },
    {
      connection,
      concurrency: tuning.concurrency,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: tuning.maxStalledCount,
    },
  );
  worker.on("failed", (job, err) => {
    if (!job) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    if (!exhausted) return;
    // Usually the runner already recorded the failure; these transitions are no-ops then (stale).
    const lost = job.data.phase === "forward" ? onForwardJobLost : onCompensationJobLost;
    void lost(rt, job.data, err.message).catch((e) =>
      rt.logger.error({ err: e }, "could not record a lost job"),
    );
  });
  // The lock is gone (expired while the event loop was blocked, or taken over): another worker may own
  // the step now, so stop acting on it.
  worker.on("lockRenewalFailed", (jobIds) => {
    for (const id of jobIds) {
      rt.logger.warn({ job: id }, "lost the lock on a running step; aborting it here");
      worker.cancelJob(id, "lock lost");
    }
  });
  worker.on("error", (err) => rt.logger.error({ err }, "step worker error"));
  return worker;
}
