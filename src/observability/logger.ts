import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Where a secret could sit in a logged object (pino redact paths): tokens, the signing secret, passwords,
 * authorization headers, the settings by their variable names. hikkoshi never puts secrets in log
 * messages to begin with; this is the second line, configured once for every logger.
 */
export const REDACT_PATHS: readonly string[] = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "appToken",
  "*.appToken",
  "signingSecret",
  "*.signingSecret",
  "password",
  "*.password",
  "sentinelPassword",
  "*.sentinelPassword",
  "redisUrl",
  "*.redisUrl",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
  "SLACK_BOT_TOKEN",
  "*.SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "*.SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "*.SLACK_APP_TOKEN",
  "REDIS_URL",
  "*.REDIS_URL",
];

/** JSON logs (pino), one line per event, secrets redacted by REDACT_PATHS. */
export function createLogger(
  opts: { level?: string; name?: string; destination?: DestinationStream } = {},
): Logger {
  const options = {
    name: opts.name ?? "hikkoshi",
    level: opts.level ?? process.env.LOG_LEVEL ?? "info",
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
