// Integration world for the Slack surface: a real redis-server (per test file), the real engine with its
// BullMQ workers and the test ports, the real Bolt app over HTTP on 127.0.0.1, and the Slack test host
// for the Web API and response_urls. Requests are signed like Slack signs them.

import { type RateLimit, type SlackTestHost, startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createSlackBot, type SlackBot } from "../../src/bot/app.js";
import type { Logger } from "../../src/bot/log.js";
import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import type { Engine } from "../../src/jobs/engine.js";
import { startTestEngine } from "../support/engineHarness.js";
import { productionDnsYaml } from "../support/productionYaml.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { createTestPorts } from "../support/testPorts.js";
import { ephemeralFor } from "./messages.js";
import { ALICE, BOB, CHANNEL, MALLORY, OLLY, PAT } from "./workspace.js";

// The files that import the workspace and the message readers from here (bench, the live and edge tests)
// keep working; the definitions live in workspace.ts and messages.ts.
export { ackText, buttonLabels, ephemeralFor, ephemeralsFor, liveMessage, messageShows } from "./messages.js";
export { ALICE, BOB, CHANNEL, MALLORY, OLLY, PAT } from "./workspace.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

export function botTestConfig(opts: { fourEyes?: boolean } = {}): HikkoshiConfig {
  return parseConfig(`
environments:
  production:
    channel: ${CHANNEL}
    permissions:
      start: { users: [${ALICE}], groups: [S0PLATFORM] }
      approve: { groups: [S0PLATFORM] }
      rollback: { users: [${OLLY}], groups: [S0PLATFORM] }
    fourEyes: ${opts.fourEyes ?? true}
    clusters:
      - { name: production-20251101, context: old, ingress: { hostname: old-lb.test } }
      - { name: production-20261125, context: new }
${productionDnsYaml()}
    decommissionSoakMinutes: 0
  staging:
    channel: C0STAG0001
    permissions: { start: { groups: [S0PLATFORM] } }
    clusters:
      - { name: staging-20251101, context: s-old }
      - { name: staging-20261120, context: s-new }
    dns: { hostedZone: example.com., records: [staging.example.com] }
`);
}

export interface BotWorld {
  host: SlackTestHost;
  engine: Engine;
  bot: SlackBot;
  client: SlackTestClient;
  ports: ReturnType<typeof createTestPorts>;
  config: HikkoshiConfig;
  close(): Promise<void>;
}

export async function flushRedis(url: string): Promise<void> {
  const c = new Redis(url);
  await c.flushall();
  c.disconnect();
}

export async function startBotWorld(
  redisUrl: string,
  opts: {
    fourEyes?: boolean;
    rateLimits?: Record<string, RateLimit>;
    portOpts?: Partial<Parameters<typeof createTestPorts>[0]>;
    /** Socket Mode instead of the HTTP receiver. */
    appToken?: string;
    logger?: Logger;
  } = {},
): Promise<BotWorld> {
  const config = botTestConfig(opts);
  const host = await startSlackTestHost({
    tokens: [BOT_TOKEN],
    ...(opts.appToken ? { appTokens: [opts.appToken] } : {}),
    usergroups: { S0PLATFORM: [BOB, PAT] },
    users: {
      [ALICE]: { name: "alice" },
      [BOB]: { name: "bob" },
      [PAT]: { name: "pat" },
      [OLLY]: { name: "olly" },
      [MALLORY]: { name: "mallory" },
    },
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  const ports = createTestPorts({ redisUrl, ...opts.portOpts });
  await ports.world.init("production-20251101");
  const engine = await startTestEngine(redisUrl, config, ports);
  const bot = createSlackBot({
    config,
    commands: engine.commands,
    liveStore: engine.store.liveStore(),
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: host.apiUrl,
    port: 0,
    host: "127.0.0.1",
    ...(opts.appToken ? { appToken: opts.appToken } : {}),
    ...(opts.logger
      ? { logger: opts.logger }
      : process.env.BOT_LOG
        ? { logger: pino({ level: process.env.BOT_LOG }) }
        : {}),
  });
  const { port } = await bot.start();
  const client = new SlackTestClient({
    requestUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
    host,
  });
  return {
    host,
    engine,
    bot,
    client,
    ports,
    config,
    async close() {
      await bot.stop();
      await engine.close();
      ports.close();
      await host.close();
    },
  };
}

export async function startMigration(w: BotWorld, userId = ALICE): Promise<string> {
  const res = await w.client.slashCommand({ userId, text: "start production" });
  if (res.status !== 200) throw new Error(`start: HTTP ${res.status}`);
  const text = await ephemeralFor(w, userId, /Started|cannot|already|not allowed/);
  const id = /Started (production-\d{8}-\d+)/.exec(text)?.[1];
  if (!id) throw new Error(`start failed: ${text}`);
  return id;
}

/**
 * The lifecycle every Slack integration test file shares: a real redis-server for the file, a fresh bot
 * world (engine, Bolt, Slack test host) per test. Returns a handle that always refers to the current
 * test's world.
 */
export function useBotWorld(
  opts: Parameters<typeof startBotWorld>[1] = {},
  hooks: { beforeStart?: () => void; beforeClose?: () => void } = {},
): BotWorld {
  let redis: RedisServerHandle | undefined;
  let current: BotWorld | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    await flushRedis(redis!.url);
    hooks.beforeStart?.();
    current = await startBotWorld(redis!.url, opts);
  });
  afterEach(async () => {
    hooks.beforeClose?.();
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as BotWorld, {
    get(_target, prop) {
      if (!current) throw new Error("the bot world exists only inside a test");
      return Reflect.get(current, prop);
    },
  });
}
