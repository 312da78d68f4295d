import { z } from "zod";
import { describeIssue, formatPath } from "../config/load.js";
import { parseRedisUrl } from "../store/redisConnection.js";

// The process reads only environment variables and the config file (ARCHITECTURE.md, external contracts).
const settingsSchema = z.object({
  HIKKOSHI_CONFIG: z.string().min(1),
  HIKKOSHI_ROLE: z.enum(["all", "bot", "worker"]).default("all"),
  // redis://, rediss:// (TLS), redis+sentinel://host:26379,host2:26379/<master> (src/store/redisConnection.ts)
  REDIS_URL: z
    .string()
    .default("redis://127.0.0.1:6379")
    .superRefine((url, ctx) => {
      try {
        parseRedisUrl(url);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^REDIS_URL /, "") });
      }
    }),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, "must be a bot token (xoxb-...)")
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, "must be an app-level token (xapp-...)")
    .optional(),
  SLACK_API_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // The worker role's /healthz, /readyz and /metrics (the bot serves them on PORT).
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Settings = z.infer<typeof settingsSchema>;

/** What to do about a missing variable. */
const HINTS: Record<string, string> = {
  HIKKOSHI_CONFIG: "set it to the path of your config file (see deploy/hikkoshi.example.yaml)",
};

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** What the bot role needs, checked on the raw environment so it is reported with every other problem. */
function roleProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.HIKKOSHI_ROLE === "worker") return [];
  const problems: string[] = [];
  if (!env.SLACK_BOT_TOKEN) {
    problems.push(
      "SLACK_BOT_TOKEN: required for the bot role; the app's Bot User OAuth Token (xoxb-...), see docs/slack.md",
    );
  }
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      "SLACK_SIGNING_SECRET: required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  return problems;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const res = settingsSchema.safeParse(env);
  const extra = roleProblems(env);
  if (res.success && extra.length === 0) return res.data;
  const issues = res.success ? [] : res.error.issues;
  throw new SettingsError([
    ...issues.map((i) => {
      const name = formatPath(i.path);
      const missing = i.code === "invalid_type" && env[name] === undefined;
      return missing ? `${name}: required; ${HINTS[name] ?? "see .env.example"}` : describeIssue(i, env);
    }),
    ...extra,
  ]);
}
