import type { EnvContext, Ports, ProgressFn, Verification } from "../ports.js";
import type { StepOutcome } from "../transitions/forward.js";
import type { Migration, StepKind } from "../types.js";

/** Durable per-migration values (snapshots, reports) that survive worker crashes and retries. */
export interface StepData {
  get<T>(key: string): Promise<T | undefined>;
  /** Store `produce()`'s value only if the key is absent; always return the stored value. */
  once<T>(key: string, produce: () => Promise<T>): Promise<T>;
  set<T>(key: string, value: T): Promise<void>;
}

export interface StepContext extends EnvContext {
  migration: Migration;
  ports: Ports;
  data: StepData;
  progress: ProgressFn;
  /** Aborted when a rollback or abort is requested while the step runs. */
  signal: AbortSignal;
  now(): number;
  /** A note for the migration's thread (audited as `info`). */
  note(detail: string): Promise<void>;
}

/**
 * One step of the runbook. `run` must be idempotent: it checks the world before acting, so a retried or
 * redelivered job converges instead of doubling an effect. `compensate` undoes it (also idempotent,
 * working from snapshots stored with the migration).
 *
 * `verify` reads back what `run` did, from the world, not from what `run` returned. The engine calls it
 * after every run that ended `done` or `wait` (a weighted shift is verified at each weight) and halts the
 * migration with its reason when the world differs. Every step that changes the world has one.
 */
export interface StepDefinition {
  kind: StepKind;
  run(ctx: StepContext): Promise<StepOutcome>;
  verify?(ctx: StepContext): Promise<Verification>;
  compensate?(ctx: StepContext): Promise<void>;
}
