import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Effect } from "../migration/transitions/result.js";

export const STEP_QUEUE = "hikkoshi-steps";

export type StepJobPhase = "forward" | "compensate";

export interface StepJobData {
  migrationId: string;
  phase: StepJobPhase;
  stepIndex: number;
  /** Forward: the step's run number. Compensate: the rollback attempt. */
  run: number;
}

/** Retry policy for transient errors: 6 attempts, exponential from 2 s (2, 4, 8, 16, 32 s ≈ 1 min). */
export const RETRY: Pick<JobsOptions, "attempts" | "backoff"> = {
  attempts: 6,
  backoff: { type: "exponential", delay: 2000 },
};

/**
 * Job ids are deterministic, so enqueueing the same effect twice is harmless. BullMQ forbids `:` in
 * custom ids, hence the dots. Finished jobs are kept for a week so their ids keep deduplicating.
 */
export function stepJobId(d: StepJobData): string {
  return `${d.migrationId}.${d.phase}.${d.stepIndex}.${d.run}`;
}

export function effectToJob(migrationId: string, e: Effect): { data: StepJobData; delay: number } {
  switch (e.type) {
    case "run-step":
      return {
        data: { migrationId, phase: "forward", stepIndex: e.stepIndex, run: e.run },
        delay: e.delayMs,
      };
    case "compensate-step":
      return { data: { migrationId, phase: "compensate", stepIndex: e.stepIndex, run: e.run }, delay: 0 };
  }
}

export class StepQueue {
  readonly queue: Queue<StepJobData>;

  constructor(connection: Redis, opts: { retry?: typeof RETRY } = {}) {
    this.queue = new Queue<StepJobData>(STEP_QUEUE, {
      connection,
      defaultJobOptions: {
        ...(opts.retry ?? RETRY),
        removeOnComplete: { age: 7 * 86_400 },
        removeOnFail: { age: 30 * 86_400 },
      },
    });
  }

  async enqueue(migrationId: string, effects: readonly Effect[]): Promise<void> {
    for (const e of effects) {
      const { data, delay } = effectToJob(migrationId, e);
      await this.queue.add(`${data.phase}-${data.stepIndex}`, data, { jobId: stepJobId(data), delay });
    }
  }

  /** Whether a job for this step is queued, delayed or being worked on (vs. finished or gone). */
  async isLive(d: StepJobData): Promise<boolean> {
    const job = await this.queue.getJob(stepJobId(d));
    if (!job) return false;
    const state = await job.getState();
    return (
      state === "active" ||
      state === "waiting" ||
      state === "delayed" ||
      state === "waiting-children" ||
      state === "prioritized"
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
