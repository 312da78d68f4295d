// Shared pieces of the handoffs: the per-run context, and errors that name every resource concerned.

import type { ClusterClient } from "../clusterRegistry.js";
import { AbortError, type Clock, errorMessage, type Logger } from "../runtime.js";
import type { PoolResult } from "./pool.js";

export interface HandoffDeps {
  /** Marks written on the objects name it, so another migration's marks are ignored. */
  migrationId: string;
  source: ClusterClient;
  target: ClusterClient;
  /** Label selector of the forbidden resources: the handoff's batched lists ask for these only. */
  forbiddenSelector: string;
  /** Namespaces the migration leaves alone (dropped from the lists). */
  excludedNamespaces: readonly string[];
  clock: Clock;
  logger: Logger;
  concurrency: number;
  drainPollMs: number;
  settleMs: number;
  activeJobsTimeoutMs: number;
  /** Fallback deadline (seconds) when `status.lastScheduleTime` cannot be carried over. */
  startingDeadlineSeconds: number;
  requestsPerSecond: number;
  /** Override of the gap budget (default: the shortest schedule period among the forbidden CronJobs). */
  gapBudgetMs?: number;
  /** Budget warnings for the migration's thread. */
  note?: (detail: string) => void;
}

export interface Gap {
  resource: string;
  gapMs: number;
  stoppedAt?: number;
  startedAt?: number;
}

export class HandoffError extends Error {
  constructor(
    message: string,
    readonly subjects: string[],
  ) {
    super(message);
    this.name = "HandoffError";
  }
}

/** Throws for pool failures (listing each) and for an abort, in that order of importance. */
export function checkPool<T>(
  what: string,
  result: PoolResult<T>,
  label: (item: T) => string,
  signal?: AbortSignal,
): void {
  if (result.failures.length > 0) {
    const lines = result.failures.map((f) => `${label(f.item)}: ${errorMessage(f.error)}`);
    throw new HandoffError(
      `${what} failed for ${result.failures.length} resource(s): ${lines.slice(0, 20).join("; ")}`,
      result.failures.map((f) => label(f.item)),
    );
  }
  if (signal?.aborted)
    throw new AbortError(`${what}: aborted (rollback requested) after ${result.started} item(s)`);
}

export function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 1000)} s`;
}
