import type { Job } from "bullmq";
import { describeError, isCancelled, isPermanent, StepCancelledError } from "../migration/errors.js";
import { STEP_CATALOGUE, type WorkKind } from "../migration/steps/catalogue.js";
import { beginStep, failStep, finishStep } from "../migration/transitions/forward.js";
import { interruptStep } from "../migration/transitions/rollback.js";
import { isGate } from "../migration/types.js";
import { commit, type EngineRuntime } from "./runtime.js";
import { buildStepContext } from "./stepContext.js";
import type { StepJobData } from "./stepJobs.js";

/**
 * Runs one forward step for a job. Every decision goes through a compare-and-set transition, so a
 * redelivered or stale job (BullMQ delivers at least once) finds nothing to do, and a retried step
 * converges because steps check the world before acting.
 */
export async function runForwardJob(
  rt: EngineRuntime,
  job: Job<StepJobData>,
  /** Aborted when this worker lost the job's lock: another worker may run the step now. */
  lockLost?: AbortSignal,
): Promise<string> {
  const { migrationId: id, stepIndex, run } = job.data;
  const current = await rt.store.get(id);
  if (!current) return "migration gone";
  const env = rt.config.environments[current.env];
  const begin = await commit(rt, id, (m) =>
    beginStep(m, stepIndex, run, { now: rt.now(), freezeWindows: env?.freezeWindows ?? [] }),
  );
  if (!begin.ok) {
    // Rollback or abort came while this job was queued or after its worker died: release the step.
    const m = begin.rejection.current;
    const st = m?.steps[stepIndex]?.status;
    if (
      m &&
      (m.status === "rolling-back" || m.status === "aborted") &&
      st?.state === "running" &&
      st.run === run
    ) {
      await commit(rt, id, (x) => interruptStep(x, stepIndex, run, rt.now()));
      return "interrupted (rollback requested)";
    }
    return `skipped: ${begin.rejection.message}`;
  }
  const m = begin.migration;
  const step = m.steps[stepIndex]!;
  if (step.status.state !== "running" || isGate(step.kind)) return `step is ${step.status.state}`;
  const def = STEP_CATALOGUE[step.kind as WorkKind];

  const controller = new AbortController();
  lockLost?.addEventListener("abort", () => controller.abort(lockLost.reason), { once: true });
  const watcher = setInterval(() => {
    void rt.store.get(id).then(
      (latest) => {
        if (latest && (latest.status === "rolling-back" || latest.status === "aborted"))
          controller.abort(new StepCancelledError());
      },
      () => {},
    );
  }, rt.cancelPollMs);
  try {
    const ctx = buildStepContext({
      config: rt.config,
      ports: rt.ports,
      store: rt.store,
      migration: m,
      stepId: step.id,
      signal: controller.signal,
      now: rt.now,
    });
    const outcome = await def.run(ctx);
    // Read back what the run did (a weighted shift at each weight, hence `wait` too); a world that
    // differs halts the migration with the difference, for a person to decide.
    const readBack = outcome.type === "done" || outcome.type === "wait" ? await def.verify?.(ctx) : undefined;
    if (readBack && !readBack.ok) {
      const error = `read-back after the change failed: ${readBack.reason} (fix: stop whatever changed it, then roll back and start again)`;
      await commit(rt, id, (x) => failStep(x, stepIndex, run, error, rt.now()));
      return `failed: ${error}`;
    }
    const fin = await commit(rt, id, (x) => finishStep(x, stepIndex, run, outcome, rt.now()));
    return fin.ok ? `${step.id}: ${outcome.type}` : `finished but not recorded: ${fin.rejection.message}`;
  } catch (err) {
    if (lockLost?.aborted) throw err; // the step belongs to another worker now: record nothing
    const latest = await rt.store.get(id);
    if (isCancelled(err) || latest?.status === "rolling-back" || latest?.status === "aborted") {
      await commit(rt, id, (x) => interruptStep(x, stepIndex, run, rt.now()));
      return "interrupted (rollback requested)";
    }
    const attemptsLeft = (job.opts.attempts ?? 1) - (job.attemptsMade + 1);
    if (isPermanent(err) || attemptsLeft <= 0) {
      await commit(rt, id, (x) => failStep(x, stepIndex, run, describeError(err), rt.now()));
      return `failed: ${describeError(err)}`;
    }
    await rt.store.audit(
      id,
      {
        actor: "system",
        action: step.id,
        outcome: "info",
        detail: `transient error, will retry (${attemptsLeft} attempt(s) left): ${describeError(err)}`,
      },
      rt.now(),
    );
    throw err;
  } finally {
    clearInterval(watcher);
  }
}

/** BullMQ gave up on a job without our handler deciding (it stalled too often): halt the step. */
export async function onForwardJobLost(rt: EngineRuntime, data: StepJobData, reason: string): Promise<void> {
  await commit(rt, data.migrationId, (x) =>
    failStep(x, data.stepIndex, data.run, `worker lost the job: ${reason}`, rt.now()),
  );
}
