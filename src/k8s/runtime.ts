// Small runtime seams shared by the Kubernetes adapters: the one Clock and Logger (src/runtime, re-exported),
// abort checks and polling intervals.

import { AbortError } from "../runtime/clock.js";

export { AbortError, type Clock, systemClock } from "../runtime/clock.js";
export { type Logger, silentLogger } from "../runtime/logger.js";

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(`${what}: aborted (rollback requested)`);
}

/** Polling intervals; tests shorten them, production keeps the defaults. */
export interface PollIntervals {
  /** Velero phase polling. */
  veleroMs: number;
  /** Workload readiness polling. */
  readinessMs: number;
  /** Active-Jobs / pods-gone polling during a handoff. */
  drainMs: number;
  /** Pause after suspending, before the source's last schedule is read (lets an in-flight sync land). */
  settleMs: number;
}

export const defaultPollIntervals: PollIntervals = {
  veleroMs: 5_000,
  readinessMs: 5_000,
  drainMs: 2_000,
  settleMs: 1_000,
};

export function errorMessage(err: unknown): string {
  const status = (err as { code?: unknown } | null)?.code;
  // ApiException carries the HTTP status in `code`; a DOMException (timeout) has a small number there too.
  if (typeof status === "number" && status >= 100) {
    // ApiException: its message embeds the whole response; say it in one line.
    const body = (err as { body?: unknown }).body;
    let parsed: unknown = body;
    if (typeof body === "string") {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
    }
    const p = (parsed ?? {}) as { reason?: unknown; message?: unknown };
    const reason = typeof p.reason === "string" ? ` ${p.reason}` : "";
    const message = typeof p.message === "string" ? `: ${p.message}` : "";
    return `HTTP ${status}${reason}${message}`;
  }
  if (!(err instanceof Error)) return String(err);
  // undici's fetch says only "fetch failed"; what failed (ECONNREFUSED 127.0.0.1:6443) is in its cause.
  const cause = err.cause;
  if (err.message === "fetch failed" && cause instanceof Error) return `${err.message}: ${cause.message}`;
  return err.message;
}
