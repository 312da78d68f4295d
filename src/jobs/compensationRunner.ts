import type { Job } from "bullmq";
import { describeError, isPermanent } from "../migration/errors.js";
import { STEP_CATALOGUE, type WorkKind } from "../migration/steps/catalogue.js";
import {
  beginCompensation,
  failCompensation,
  finishCompensation,
  interruptStep,
} from "../migration/transitions/rollback.js";
import { isGate } from "../migration/types.js";
import { commit, type EngineRuntime } from "./runtime.js";
import { buildStepContext } from "./stepContext.js";
import type { StepJobData } from "./stepJobs.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one compensation of a rollback; the next one is enqueued by the transition that records it. */
export async function runCompensationJob(
  rt: EngineRuntime,
  job: Job<StepJobData>,
  maxWaitMs = 10 * 60_000,
  /** Aborted when this worker lost the job's lock: another worker may run the compensation now. */
  lockLost?: AbortSignal,
): Promise<string> {
  const { migrationId: id, stepIndex, run: attempt } = job.data;
  const deadline = rt.now() + maxWaitMs;
  for (;;) {
    const begin = await commit(rt, id, (m) => beginCompensation(m, stepIndex, attempt, rt.now()));
    if (begin.ok) break;
    const m = begin.rejection.current;
    const st = m?.steps[stepIndex]?.status;
    if (begin.rejection.code !== "not-now" || !m || st?.state !== "running")
      return `skipped: ${begin.rejection.message}`;
    // The forward step is still running. Its worker stops it within a poll interval; if no worker
    // holds its job any more (it died and the job was given up), release the step here.
    const forward = { migrationId: id, phase: "forward" as const, stepIndex, run: st.run };
    if (!(await rt.queue.isLive(forward)))
      await commit(rt, id, (x) => interruptStep(x, stepIndex, st.run, rt.now()));
    if (rt.now() > deadline)
      throw new Error(`"${m.steps[stepIndex]!.title}" did not stop within ${maxWaitMs / 1000}s`);
    await sleep(Math.min(1000, rt.cancelPollMs));
  }
  const m = (await rt.store.get(id))!;
  const step = m.steps[stepIndex]!;
  try {
    const def = isGate(step.kind) ? undefined : STEP_CATALOGUE[step.kind as WorkKind];
    if (def?.compensate) {
      const ctx = buildStepContext({
        config: rt.config,
        ports: rt.ports,
        store: rt.store,
        migration: m,
        stepId: step.id,
        signal: new AbortController().signal,
        now: rt.now,
      });
      await def.compensate(ctx);
    }
    await commit(rt, id, (x) => finishCompensation(x, stepIndex, attempt, rt.now()));
    return `compensated ${step.id}`;
  } catch (err) {
    if (lockLost?.aborted) throw err; // another worker owns it now: record nothing
    const attemptsLeft = (job.opts.attempts ?? 1) - (job.attemptsMade + 1);
    if (isPermanent(err) || attemptsLeft <= 0) {
      await commit(rt, id, (x) => failCompensation(x, stepIndex, attempt, describeError(err), rt.now()));
      return `compensation failed: ${describeError(err)}`;
    }
    await rt.store.audit(
      id,
      {
        actor: "system",
        action: `undo ${step.id}`,
        outcome: "info",
        detail: `transient error, will retry (${attemptsLeft} left): ${describeError(err)}`,
      },
      rt.now(),
    );
    throw err;
  }
}

export async function onCompensationJobLost(
  rt: EngineRuntime,
  data: StepJobData,
  reason: string,
): Promise<void> {
  await commit(rt, data.migrationId, (x) =>
    failCompensation(x, data.stepIndex, data.run, `worker lost the job: ${reason}`, rt.now()),
  );
}
