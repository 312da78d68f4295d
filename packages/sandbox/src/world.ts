// The sandbox world: two simulated clusters with Velero, a Route 53 host, a Slack host, a stand-in for
// the load balancers, and a real redis-server, all on 127.0.0.1; then hikkoshi itself, wired exactly as
// `npm start` wires it (real @kubernetes/client-node, real AWS SDK, real Bolt), only pointed here.
import type { Clock, CronJobControllerOptions } from "@hikkoshi/test-hosts/kube";
import { SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import type { Logger } from "pino";
import { readSettings } from "../../../src/app/settings.js";
import { type Hikkoshi, startHikkoshi } from "../../../src/app/startHikkoshi.js";
import { parseConfig } from "../../../src/config/load.js";
import type { HikkoshiConfig } from "../../../src/config/schema.js";
import type { EngineOptions } from "../../../src/jobs/engine.js";
import { DEMO_ESTATE, type EstateSize } from "./demoEstate.js";
import { OLD_INGRESS, type SandboxHosts, startSandboxHosts } from "./hosts.js";
import { SANDBOX_CHANNEL, SANDBOX_USERS } from "./sandboxConfig.js";
import { sandboxPorts } from "./sandboxPorts.js";
import { WorkerProcess } from "./workerProcess.js";

export { OLD_INGRESS };

export interface SandboxWorld
  extends Pick<SandboxHosts, "redis" | "old" | "new" | "route53" | "zoneId" | "slack" | "estate"> {
  config: HikkoshiConfig;
  client: SlackTestClient;
  app: Hikkoshi;
  /** The worker process, when the world runs workers apart from the bot (`workerProcess: true`). */
  workers?: WorkerProcess;
  /** Restart hikkoshi (bot and workers) against the same world, as after a deploy or a crash. */
  restartApp(): Promise<void>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  strategy?: "weighted" | "cnameSwap";
  estate?: EstateSize;
  logger: Logger;
  engineOptions?: Partial<EngineOptions>;
  /** Leave the live message to update at most once a second (Slack's pace); tests may go faster. */
  minUpdateIntervalMs?: number;
  /** Host clock shared by both clusters (a ScaledClock makes CronJob schedules fire within seconds). */
  clock?: Clock;
  /** CronJob controller settings for both clusters. */
  cronJobs?: CronJobControllerOptions;
  /** Real ms from a workload change until it reports ready, per cluster (default old 200, new 400). */
  readyDelayMs?: { old?: number; new?: number };
  /**
   * Run the workers in a process of their own (HIKKOSHI_ROLE=worker) and the bot here, so a worker can be
   * killed for real (`world.workers.kill()`). Default: bot and workers in this process.
   */
  workerProcess?: { restartDelayMs?: number };
}

export async function startSandboxWorld(opts: SandboxOptions): Promise<SandboxWorld> {
  const hosts = await startSandboxHosts({
    name: "sandbox",
    estate: opts.estate ?? DEMO_ESTATE,
    strategy: opts.strategy ?? "weighted",
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.cronJobs ? { cronJobs: opts.cronJobs } : {}),
    ...(opts.readyDelayMs ? { readyDelayMs: opts.readyDelayMs } : {}),
  });
  const { slack, signingSecret, kubeconfigPath, env } = hosts;
  const config = parseConfig(hosts.configYaml, "sandbox");
  Object.assign(process.env, env);
  const settings = readSettings(opts.workerProcess ? { ...env, HIKKOSHI_ROLE: "bot" } : env);
  const workers = opts.workerProcess
    ? new WorkerProcess({
        env,
        ...(opts.engineOptions ? { engineOptions: opts.engineOptions } : {}),
        ...(opts.workerProcess.restartDelayMs !== undefined
          ? { restartDelayMs: opts.workerProcess.restartDelayMs }
          : {}),
      })
    : undefined;

  const start = () =>
    startHikkoshi({
      settings,
      config,
      logger: opts.logger,
      ports: sandboxPorts(kubeconfigPath),
      ...(opts.engineOptions ? { engineOptions: opts.engineOptions } : {}),
      botOptions: {
        host: "127.0.0.1",
        ...(opts.minUpdateIntervalMs !== undefined ? { minUpdateIntervalMs: opts.minUpdateIntervalMs } : {}),
      },
    });
  let app = await start();
  const closeHosts = () => hosts.close();
  try {
    await workers?.start();
  } catch (err) {
    // Nothing of a world that could not start may outlive it (a redis-server least of all).
    await app.stop();
    await closeHosts();
    throw err;
  }
  const client = new SlackTestClient({
    requestUrl: `http://127.0.0.1:${app.port}/slack/events`,
    signingSecret,
    host: slack,
  });

  const world: SandboxWorld = {
    ...hosts,
    config,
    client,
    app,
    ...(workers ? { workers } : {}),
    async restartApp() {
      await app.stop();
      app = await start();
      world.app = app;
      world.client = new SlackTestClient({
        requestUrl: `http://127.0.0.1:${app.port}/slack/events`,
        signingSecret,
        host: slack,
      });
    },
    async close() {
      await workers?.close();
      await app.stop();
      await closeHosts();
    },
  };
  return world;
}

export { SANDBOX_CHANNEL, SANDBOX_USERS };
