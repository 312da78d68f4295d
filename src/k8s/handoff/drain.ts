// Waiting for resources to go quiet (no active Jobs, no pods) before their twin may start. Each round reads
// every waiting resource (bounded concurrency), hands the quiet ones to `onQuiet`, and stops at the
// deadline, returning the ones still busy so the caller can name them.

import { type Clock, throwIfAborted } from "../runtime.js";
import { runPool } from "./pool.js";

export interface DrainOptions<T, D> {
  items: readonly T[];
  /** Reads one item; `quiet` says whether it may proceed, `data` is handed to `onQuiet`. */
  check: (item: T) => Promise<{ quiet: boolean; data: D; why?: string }>;
  onQuiet: (item: T, data: D) => Promise<void>;
  concurrency: number;
  timeoutMs: number;
  pollMs: number;
  clock: Clock;
  signal?: AbortSignal;
}

export interface DrainResult<T> {
  busy: Array<{ item: T; why: string }>;
  failures: Array<{ item: T; error: unknown }>;
}

export async function drain<T, D>(opts: DrainOptions<T, D>): Promise<DrainResult<T>> {
  let waiting = [...opts.items];
  const failures: DrainResult<T>["failures"] = [];
  const deadline = opts.clock.now() + opts.timeoutMs;
  let why = new Map<T, string>();
  while (waiting.length > 0) {
    throwIfAborted(opts.signal, "waiting for running Jobs/pods to finish");
    const still: T[] = [];
    const nextWhy = new Map<T, string>();
    const round = await runPool(waiting, opts.concurrency, async (item) => {
      const r = await opts.check(item);
      if (r.quiet) await opts.onQuiet(item, r.data);
      else {
        still.push(item);
        nextWhy.set(item, r.why ?? "still running");
      }
    });
    failures.push(...round.failures);
    waiting = still;
    why = nextWhy;
    if (waiting.length === 0 || opts.clock.now() >= deadline) break;
    await opts.clock.sleep(opts.pollMs, opts.signal);
  }
  return { busy: waiting.map((item) => ({ item, why: why.get(item) ?? "still running" })), failures };
}
