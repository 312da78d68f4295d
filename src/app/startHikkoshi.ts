import type { Logger } from "pino";
import type { SlackBot } from "../bot/app.js";
import type { HikkoshiConfig } from "../config/schema.js";
import { createEngine, type Engine, type EngineOptions } from "../jobs/engine.js";
import type { Ports } from "../migration/ports.js";
import { type OpsServer, startOpsServer } from "../observability/opsServer.js";
import { buildOpsEndpoints } from "./opsEndpoints.js";
import type { Settings } from "./settings.js";

export interface Hikkoshi {
  engine: Engine;
  bot?: SlackBot;
  /** The bot's port (Slack, and /healthz, /readyz, /metrics). */
  port?: number;
  /** The worker-only role's port for /healthz, /readyz, /metrics (OPS_PORT). */
  opsPort?: number;
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
  /** Listen address of the worker role's ops port; default all interfaces. */
  opsHost?: string;
}): Promise<Hikkoshi> {
  const { settings, logger } = args;
  const engine = await createEngine({
    redisUrl: settings.REDIS_URL,
    config: args.config,
    ports: args.ports,
    logger,
    defaultMetrics: true,
    ...args.engineOptions,
  });
  const runsWorkers = settings.HIKKOSHI_ROLE !== "bot";
  if (runsWorkers) await engine.startWorkers();
  const ops = buildOpsEndpoints({ engine, config: args.config, runsWorkers });
  let bot: SlackBot | undefined;
  let port: number | undefined;
  let opsServer: OpsServer | undefined;
  if (settings.HIKKOSHI_ROLE === "worker") {
    opsServer = await startOpsServer(ops, {
      port: settings.OPS_PORT,
      ...(args.opsHost !== undefined ? { host: args.opsHost } : {}),
    });
  } else {
    // The Slack port serves /healthz, /readyz and /metrics too. Bolt loads only in a role that runs the bot.
    const { createSlackBot } = await import("../bot/app.js");
    bot = createSlackBot({
      config: args.config,
      commands: engine.commands,
      liveStore: engine.store.liveStore(),
      signingSecret: settings.SLACK_SIGNING_SECRET ?? "",
      botToken: settings.SLACK_BOT_TOKEN ?? "",
      ...(settings.SLACK_APP_TOKEN ? { appToken: settings.SLACK_APP_TOKEN } : {}),
      ...(settings.SLACK_API_URL ? { slackApiUrl: settings.SLACK_API_URL } : {}),
      port: settings.PORT,
      logger: logger.child({ component: "bot" }),
      ops,
      ...args.botOptions,
    });
    port = (await bot.start()).port;
  }
  logger.info(
    {
      role: settings.HIKKOSHI_ROLE,
      port,
      opsPort: opsServer?.port,
      environments: Object.keys(args.config.environments),
    },
    "hikkoshi started",
  );
  return {
    engine,
    ...(bot ? { bot } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(opsServer ? { opsPort: opsServer.port } : {}),
    async stop() {
      await bot?.stop();
      await engine.close();
      await opsServer?.close();
    },
  };
}
