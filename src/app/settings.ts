import { z } from "zod";
import { formatPath } from "../config/load.js";

// The process reads only environment variables and the config file (ARCHITECTURE.md, external contracts).
const settingsSchema = z
  .object({
    HIKKOSHI_CONFIG: z
      .string()
      .min(1, "set it to the path of your config file (see deploy/hikkoshi.example.yaml)"),
    HIKKOSHI_ROLE: z.enum(["all", "bot", "worker"]).default("all"),
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
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
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((s, ctx) => {
    if (s.HIKKOSHI_ROLE === "worker") return;
    if (!s.SLACK_BOT_TOKEN)
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_BOT_TOKEN"],
        message: "required for the bot role (xoxb-...)",
      });
    if (!s.SLACK_APP_TOKEN && !s.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)",
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const res = settingsSchema.safeParse(env);
  if (!res.success) {
    throw new SettingsError(
      res.error.issues.map(
        (i) =>
          `${formatPath(i.path)}: ${i.code === "invalid_type" && i.received === "undefined" ? "required" : i.message}`,
      ),
    );
  }
  return res.data;
}
