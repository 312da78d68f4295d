import type { HikkoshiConfig } from "../config/schema.js";
import type { Ports } from "../migration/ports.js";
import type { Effect } from "../migration/transitions/result.js";
import type { Logger } from "../runtime/logger.js";
import type { MigrationStore, TransactResult } from "../store/migrationStore.js";
import type { StepQueue } from "./stepJobs.js";

/** What the job runners share: config, ports, the store and the queue. */
export interface EngineRuntime {
  config: HikkoshiConfig;
  ports: Ports;
  store: MigrationStore;
  queue: StepQueue;
  logger: Logger;
  now: () => number;
  /** How often a running step checks whether rollback was requested. */
  cancelPollMs: number;
}

/** Commit a transition, then enqueue what it asks for. Enqueueing is idempotent (job ids). */
export async function commit(
  rt: EngineRuntime,
  id: string,
  fn: Parameters<MigrationStore["transact"]>[1],
): Promise<TransactResult> {
  const res = await rt.store.transact(id, fn, rt.now);
  if (res.ok && res.effects.length > 0) await rt.queue.enqueue(id, res.effects as Effect[]);
  return res;
}
