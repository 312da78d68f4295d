import pino, { type Logger } from "pino";

/**
 * JSON logs (pino). Tokens and secrets are redacted by path wherever they could appear; hikkoshi never
 * puts them in log messages to begin with.
 */
export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? "hikkoshi",
    level: opts.level ?? process.env.LOG_LEVEL ?? "info",
    redact: {
      paths: [
        "token",
        "*.token",
        "headers.authorization",
        "*.headers.authorization",
        "signingSecret",
        "*.signingSecret",
        "botToken",
        "appToken",
      ],
      censor: "[redacted]",
    },
  });
}
