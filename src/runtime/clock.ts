// The one clock every part of hikkoshi takes time from, so tests can run time faster or by hand. `sleep`
// is for code that waits (polling, backoff); `setTimeout` / `clearTimeout` for code that schedules
// (coalesced Slack updates). The protocol test hosts keep a clock of their own (packages/test-hosts).

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with AbortError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Thrown when the caller's AbortSignal fired (a rollback was requested). Named like the DOM one. */
export class AbortError extends Error {
  constructor(message = "aborted") {
    super(message);
    this.name = "AbortError";
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortError("aborted while waiting"));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortError("aborted while waiting"));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
