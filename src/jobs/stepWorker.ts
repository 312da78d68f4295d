import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { onCompensationJobLost, runCompensationJob } from "./compensationRunner.js";
import { onForwardJobLost, runForwardJob } from "./forwardRunner.js";
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
 * Production defaults: a killed worker's step resumes within about 30-60 s, which is short against
 * steps that take minutes, and long enough that a busy event loop or a GC pause does not make a healthy
 * worker look dead (a false stall runs the step twice; steps are idempotent, but it wastes API calls).
 */
export const DEFAULT_TUNING: WorkerTuning = {
  concurrency: 8,
  lockDurationMs: 60_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
};

export function startStepWorker(
  rt: EngineRuntime,
  connection: Redis,
  tuning: WorkerTuning,
): Worker<StepJobData> {
  const worker = new Worker<StepJobData>(
    STEP_QUEUE,
    async (job: Job<StepJobData>) => {
      switch (job.data.phase) {
        case "forward":
          return runForwardJob(rt, job);
        case "compensate":
          return runCompensationJob(rt, job);
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
  worker.on("error", (err) => rt.logger.error({ err }, "step worker error"));
  return worker;
}
