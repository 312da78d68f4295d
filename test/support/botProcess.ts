// A Slack bot replica in its own process (no workers), so a test can SIGKILL it while it owns live
// messages. Options arrive as JSON in argv[2]; prints `ready <lease owner>` once it listens.
import pino from "pino";
import { createSlackBot } from "../../src/bot/app.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import { createEngine } from "../../src/jobs/engine.js";
import { createTestPorts } from "./testPorts.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as {
  redisUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  botToken: string;
  config: HikkoshiConfig;
};
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const ports = createTestPorts({ redisUrl: opts.redisUrl });
const engine = await createEngine({ redisUrl: opts.redisUrl, config: opts.config, ports, logger });
const bot = createSlackBot({
  config: opts.config,
  commands: engine.commands,
  liveStore: engine.store.liveStore(),
  signingSecret: opts.signingSecret,
  botToken: opts.botToken,
  slackApiUrl: opts.slackApiUrl,
  port: 0,
  host: "127.0.0.1",
  logger,
});
await bot.start();
process.stdout.write(`ready ${bot.live.owner}\n`);
process.on("SIGTERM", () => {
  void bot
    .stop()
    .then(() => engine.close())
    .then(() => process.exit(0));
});
