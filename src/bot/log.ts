// The bot writes to the one Logger (src/runtime/logger.ts); here: an adapter for Bolt's own logger interface.
// Nothing here ever receives a token: Bolt's messages are passed through a redaction step anyway.

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
