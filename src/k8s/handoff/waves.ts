// Items in waves through a bounded window: one wave at a time is stopped (its items `concurrency` at a
// time), then finished on its own (a settle pause, one batched read, the starts) while the next wave is
// being stopped. At most `window` items are between their stop and their release at once; a finishing
// wave releases each item as it leaves (started, failed, or set aside to wait for running Jobs), so the
// next wave stops as soon as there is room. The first wave is only `concurrency` items, so the first
// settle pause starts after one round of stops rather than a whole wave's. The AbortSignal is honoured between stops: once aborted no
// new item is stopped, and every stopped one is finished (never left half-way).

import { runPool } from "./pool.js";

export interface WaveOptions<T, S> {
  items: readonly T[];
  window: number;
  wave: number;
  concurrency: number;
  signal?: AbortSignal;
  stop: (item: T) => Promise<S>;
  /**
   * Finishes a stopped wave, handling each item's own failure; `release(n)` frees `n` window slots. A
   * rejection means the wave failed before any item was finished (its batched read): every item fails.
   */
  finish: (stopped: ReadonlyArray<{ item: T; stopped: S }>, release: (n: number) => void) => Promise<void>;
}

export interface WaveResult<T> {
  /** Items whose stop was attempted. */
  started: number;
  failures: Array<{ item: T; error: unknown }>;
}

/** A counting semaphore over window slots, served in order. */
class Slots {
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];
  constructor(private free: number) {}

  take(n: number): Promise<void> {
    if (this.waiters.length === 0 && this.free >= n) {
      this.free -= n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  give(n: number): void {
    this.free += n;
    while (this.waiters.length > 0 && this.free >= this.waiters[0]!.n) {
      const w = this.waiters.shift()!;
      this.free -= w.n;
      w.resolve();
    }
  }
}

export async function runWaves<T, S>(opts: WaveOptions<T, S>): Promise<WaveResult<T>> {
  const size = Math.max(1, Math.min(opts.wave, opts.window));
  const slots = new Slots(Math.max(size, opts.window));
  const failures: WaveResult<T>["failures"] = [];
  const finishing: Array<Promise<void>> = [];
  let started = 0;
  for (let i = 0; i < opts.items.length; ) {
    if (opts.signal?.aborted) break;
    const batch = opts.items.slice(i, i + (i === 0 ? Math.min(size, opts.concurrency) : size));
    i += batch.length;
    await slots.take(batch.length);
    const stopped: Array<{ item: T; stopped: S }> = [];
    const round = await runPool(
      batch,
      opts.concurrency,
      async (item) => {
        stopped.push({ item, stopped: await opts.stop(item) });
      },
      opts.signal,
    );
    started += round.started;
    failures.push(...round.failures);
    slots.give(batch.length - stopped.length);
    if (stopped.length === 0) continue;
    let released = 0;
    const release = (n: number) => {
      released += n;
      slots.give(n);
    };
    finishing.push(
      opts.finish(stopped, release).catch((error: unknown) => {
        for (const s of stopped) failures.push({ item: s.item, error });
        slots.give(Math.max(0, stopped.length - released));
      }),
    );
  }
  await Promise.all(finishing);
  return { started, failures };
}
