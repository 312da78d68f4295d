// The sandbox world: two simulated clusters with Velero, a Route 53 host, a Slack host, a stand-in for
// the load balancers, and a real redis-server, all on 127.0.0.1; then hikkoshi itself, wired exactly as
// `npm start` wires it (real @kubernetes/client-node, real AWS SDK, real Bolt), only pointed here.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdgeServer } from "@hikkoshi/test-hosts/edgeServer";
import {
  type Clock,
  type CronJobControllerOptions,
  type KubeHost,
  startKubeHost,
} from "@hikkoshi/test-hosts/kube";
import { createVeleroStore } from "@hikkoshi/test-hosts/kube/velero/store";
import { type RedisServerHandle, startRedisServer } from "@hikkoshi/test-hosts/redisServer";
import { type Route53Host, startRoute53Host } from "@hikkoshi/test-hosts/route53";
import { type SlackTestHost, startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import type { Logger } from "pino";
import { readSettings } from "../../../src/app/settings.js";
import { type Hikkoshi, startHikkoshi } from "../../../src/app/startHikkoshi.js";
import { parseConfig } from "../../../src/config/load.js";
import type { HikkoshiConfig } from "../../../src/config/schema.js";
import type { EngineOptions } from "../../../src/jobs/engine.js";
import { mergeKubeconfigs } from "../../../src/k8s/index.js";
import { DEMO_ESTATE, type EstateSize, populateEstate } from "./demoEstate.js";
import { SANDBOX_CHANNEL, SANDBOX_USERS, sandboxConfigYaml } from "./sandboxConfig.js";
import { sandboxPorts } from "./sandboxPorts.js";
import { WorkerProcess } from "./workerProcess.js";

export const OLD_INGRESS = "old-ingress.us-east-1.elb.amazonaws.com";

export interface SandboxWorld {
  config: HikkoshiConfig;
  redis: RedisServerHandle;
  old: KubeHost;
  new: KubeHost;
  route53: Route53Host;
  zoneId: string;
  slack: SlackTestHost;
  client: SlackTestClient;
  app: Hikkoshi;
  estate: { cronJobs: number; forbidden: number };
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
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-sandbox-"));
  const redis = await startRedisServer();
  const store = createVeleroStore();
  const velero = { store, backupDurationMs: 300, restoreDurationMs: 300, syncDelayMs: 500 };
  const old = await startKubeHost({
    name: "production-20251101",
    version: { major: "1", minor: "31" },
    velero,
    workloads: { readyDelayMs: opts.readyDelayMs?.old ?? 200 },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.cronJobs ? { cronJobs: opts.cronJobs } : {}),
  });
  const neu = await startKubeHost({
    name: "production-20261125",
    version: { major: "1", minor: "32" },
    velero,
    workloads: { readyDelayMs: opts.readyDelayMs?.new ?? 400 },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.cronJobs ? { cronJobs: opts.cronJobs } : {}),
  });
  const estate = populateEstate(old.objects, opts.estate ?? DEMO_ESTATE, OLD_INGRESS);

  const route53 = await startRoute53Host({ insyncDelayMs: 200 });
  const zoneId = route53.createZone({ name: "example.com." });
  route53.putRecordSets(zoneId, [
    { Name: "www.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
    { Name: "api.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
  ]);

  const botToken = `xoxb-sandbox-${Math.random().toString(36).slice(2)}`;
  const signingSecret = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const slack = await startSlackTestHost({
    tokens: [botToken],
    usergroups: { S0PLATFORM: [SANDBOX_USERS.alice, SANDBOX_USERS.bob] },
    users: {
      [SANDBOX_USERS.alice]: { name: "alice" },
      [SANDBOX_USERS.bob]: { name: "bob" },
      [SANDBOX_USERS.mallory]: { name: "mallory" },
      [SANDBOX_USERS.carol]: { name: "carol" },
    },
  });

  // Healthy = the hostname is a load balancer of a cluster that has one (a stand-in for real traffic).
  const lbHostnames = (host: KubeHost) =>
    host.objects.list("v1", "Service").flatMap((s) => {
      const ingress =
        (s.status as { loadBalancer?: { ingress?: Array<{ hostname?: string }> } } | undefined)?.loadBalancer
          ?.ingress ?? [];
      return ingress.map((i) => i.hostname ?? "");
    });
  const edge = await startEdgeServer(
    (host) => host === "www.example.com" || [...lbHostnames(old), ...lbHostnames(neu)].includes(host),
  );

  const configYaml = sandboxConfigYaml({ edgeUrl: edge.url, strategy: opts.strategy ?? "weighted" });
  const config = parseConfig(configYaml, "sandbox");
  const configPath = join(dir, "hikkoshi.yaml");
  writeFileSync(configPath, configYaml);
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, mergeKubeconfigs([old.kubeconfig(), neu.kubeconfig()]).exportConfig());
  // The same environment contract a production deployment uses (ARCHITECTURE.md, external contracts).
  const env = {
    HIKKOSHI_CONFIG: configPath,
    REDIS_URL: redis.url,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    KUBECONFIG: kubeconfigPath,
    AWS_ENDPOINT_URL_ROUTE_53: route53.endpoint,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    AWS_REGION: "us-east-1",
  };
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
  const closeHosts = async () => {
    await Promise.all([old.close(), neu.close(), route53.close(), slack.close(), edge.close()]);
    await redis.stop();
  };
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
    config,
    redis,
    old,
    new: neu,
    route53,
    zoneId,
    slack,
    client,
    app,
    estate,
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
