// The bot writes to the one Logger (src/runtime/logger.ts); here: an adapter for Bolt's own logger interface.
// Nothing here ever receives a token: Bolt's messages are passed through a redaction step anyway.

import { randomBytes } from "node:crypto";
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";

import type { Logger } from "../runtime/logger.js";

export { type Logger, silentLogger } from "../runtime/logger.js";

/** Slack tokens look like `xoxb-...`, `xapp-...`, `xoxp-...`; never let one reach a log line. */
export function redact(text: string): string {
  return text.replace(/\bx(ox[abposr]|app)-[A-Za-z0-9-]+/g, "x$1-[redacted]");
}

function join(args: unknown[]): string {
  return redact(
    args
      .map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a)))
      .join(" "),
  );
}

export function toBoltLogger(log: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...args: unknown[]) => log.debug({ component: "bolt" }, join(args)),
    info: (...args: unknown[]) => log.info({ component: "bolt" }, join(args)),
    warn: (...args: unknown[]) => log.warn({ component: "bolt" }, join(args)),
    error: (...args: unknown[]) => log.error({ component: "bolt" }, join(args)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function errorText(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/** What went wrong inside, in words a person can act on; the detail stays in the log. */
export type FailureCause = "state-store" | "internal";

export interface InternalFailure {
  /** Quoted to the person and written with the detail, so the two can be matched. */
  ref: string;
  cause: FailureCause;
}

// ioredis' error names and the replies Redis gives when it cannot serve a command.
const STATE_STORE_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|Stream isn't writeable|max retries|WRONGTYPE|NOSCRIPT|OOM |READONLY|LOADING|MISCONF|CLUSTERDOWN|NOAUTH|BUSY/;

function isStateStoreError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "ReplyError" || err.name === "MaxRetriesPerRequestError") return true;
  return STATE_STORE_ERROR.test(err.message);
}

/**
 * Logs an unexpected error with its detail (message, stack, context) and returns what the person may be
 * told: a cause and a reference, never the error's own text (a Redis reply, a stack, a path).
 */
export function internalFailure(
  log: Logger,
  err: unknown,
  context: Record<string, unknown>,
  msg: string,
): InternalFailure {
  const ref = randomBytes(4).toString("hex");
  const cause: FailureCause = isStateStoreError(err) ? "state-store" : "internal";
  const stack = err instanceof Error && err.stack ? redact(err.stack) : undefined;
  log.error({ ...context, ref, cause, err: errorText(err), ...(stack ? { stack } : {}) }, msg);
  return { ref, cause };
}
