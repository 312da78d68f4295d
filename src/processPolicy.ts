// What the process does with an error nobody handled. Every step is durable and idempotent, so one failed
// request or timer leaves nothing half-done: log it with its context and keep serving. A burst of
// uncaught exceptions means the process is no longer sound: drain (running steps finish, nothing new
// starts) and exit, so a supervisor restarts it; never exit mid-step.

import type { Logger } from "./runtime/logger.js";

/** This many uncaught exceptions within the window make the process unsound. */
export const FATAL_BURST = 5;
export const FATAL_WINDOW_MS = 60_000;

function describe(err: unknown): { err: string; name?: string; stack?: string } {
  if (err instanceof Error) {
    return { err: err.message, name: err.name, ...(err.stack ? { stack: err.stack } : {}) };
  }
  return { err: String(err) };
}

/** The part of `process` the policy listens on. */
export interface ErrorSource {
  on(event: "unhandledRejection", listener: (reason: unknown) => void): unknown;
  on(event: "uncaughtException", listener: (err: Error, origin: string) => void): unknown;
}

export function installErrorPolicy(
  source: ErrorSource,
  logger: Logger,
  drain: (reason: string) => void,
  now: () => number = Date.now,
): void {
  const recent: number[] = [];
  source.on("unhandledRejection", (reason) => {
    logger.error(
      { kind: "unhandledRejection", ...describe(reason) },
      "unhandled promise rejection; still serving",
    );
  });
  source.on("uncaughtException", (err, origin) => {
    const t = now();
    recent.push(t);
    while (recent.length > 0 && recent[0]! <= t - FATAL_WINDOW_MS) recent.shift();
    const fatal = recent.length >= FATAL_BURST;
    logger.error(
      { kind: origin, ...describe(err), inLastMinute: recent.length },
      fatal ? "uncaught exceptions in a burst: draining, then exiting" : "uncaught exception; still serving",
    );
    if (fatal) drain(`${recent.length} uncaught exceptions within ${FATAL_WINDOW_MS / 1000} s`);
  });
}
