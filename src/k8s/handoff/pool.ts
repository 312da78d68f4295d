// Bounded concurrency over a list of items, honouring an AbortSignal *between* items: once aborted, no new
// item starts, the ones in flight finish, and the caller decides what to throw. Item failures are
// collected rather than stopping the others (each item is independent and idempotent).

export interface PoolResult<T> {
  /** Items that were started (and finished, successfully or not). */
  started: number;
  failures: Array<{ item: T; error: unknown }>;
  aborted: boolean;
}

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
  onDone?: () => void,
): Promise<PoolResult<T>> {
  let next = 0;
  let started = 0;
  const failures: PoolResult<T>["failures"] = [];
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) return;
      const index = next++;
      if (index >= items.length) return;
      const item = items[index]!;
      started += 1;
      try {
        await fn(item);
      } catch (error) {
        failures.push({ item, error });
      }
      onDone?.();
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  return { started, failures, aborted: signal?.aborted === true && started < items.length };
}
