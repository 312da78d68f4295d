import type { Logger } from "pino";
import { createSlackBot, type SlackBot } from "../bot/app.js";
import type { HikkoshiConfig } from "../config/schema.js";
import { createEngine, type Engine, type EngineOptions } from "../jobs/engine.js";
import type { Ports } from "../migration/ports.js";
import type { Settings } from "./settings.js";

export interface Hikkoshi {
  engine: Engine;
  bot?: SlackBot;
  port?: number;
  stop(): Promise<void>;
}

/**
 * Wires the engine, the workers and the Slack bot in one process, or only some of them (HIKKOSHI_ROLE),
 * so bots and workers can scale apart. Shared by `npm start` and the sandbox.
 */
export async function startHikkoshi(args: {
  settings: Settings;
  config: HikkoshiConfig;
  ports: Ports;
  logger: Logger;
  engineOptions?: Partial<EngineOptions>;
  botOptions?: { minUpdateIntervalMs?: number; host?: string };
}): Promise<Hikkoshi> {
  const { settings, logger } = args;
  const engine = await createEngine({
    redisUrl: settings.REDIS_URL,
    config: args.config,
    ports: args.ports,
    logger,
    ...args.engineOptions,
  });
  if (settings.HIKKOSHI_ROLE !== "bot") await engine.startWorkers();
  let bot: SlackBot | undefined;
  let port: number | undefined;
  if (settings.HIKKOSHI_ROLE !== "worker") {
    bot = createSlackBot({
      config: args.config,
      commands: engine.commands,
      signingSecret: settings.SLACK_SIGNING_SECRET ?? "",
      botToken: settings.SLACK_BOT_TOKEN ?? "",
      ...(settings.SLACK_APP_TOKEN ? { appToken: settings.SLACK_APP_TOKEN } : {}),
      ...(settings.SLACK_API_URL ? { slackApiUrl: settings.SLACK_API_URL } : {}),
      port: settings.PORT,
      logger: logger.child({ component: "bot" }),
      ...args.botOptions,
    });
    port = (await bot.start()).port;
  }
  logger.info(
    { role: settings.HIKKOSHI_ROLE, port, environments: Object.keys(args.config.environments) },
    "hikkoshi started",
  );
  return {
    engine,
    ...(bot ? { bot } : {}),
    ...(port !== undefined ? { port } : {}),
    async stop() {
      await bot?.stop();
      await engine.close();
    },
  };
}
