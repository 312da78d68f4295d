// The hosts hikkoshi runs against in the sandbox and the process benchmarks, all on 127.0.0.1: two
// Kubernetes API hosts sharing one Velero store (the old one with an estate), Route 53 with the zone, a
// Slack host, the load-balancer stand-in and a real redis-server; plus the config file, the kubeconfig
// and the environment production is configured through.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
import { mergeKubeconfigs } from "../../../src/k8s/index.js";
import { type EstateSize, populateEstate } from "./demoEstate.js";
import { SANDBOX_USERS, sandboxConfigYaml } from "./sandboxConfig.js";

export const OLD_INGRESS = "old-ingress.us-east-1.elb.amazonaws.com";

export interface HostsOptions {
  /** Names the temporary directory, the bot token and the AWS keys ("sandbox", "bench"). */
  name: string;
  estate: EstateSize;
  strategy: "weighted" | "cnameSwap";
  /** Redis with an append-only file (default true). */
  aof?: boolean;
  /** Host clock shared by both clusters. */
  clock?: Clock;
  /** CronJob controller settings for both clusters. */
  cronJobs?: CronJobControllerOptions;
  /** Real ms from a workload change until it reports ready, per cluster (default old 200, new 400). */
  readyDelayMs?: { old?: number; new?: number };
}

export interface SandboxHosts {
  dir: string;
  redis: RedisServerHandle;
  old: KubeHost;
  new: KubeHost;
  route53: Route53Host;
  zoneId: string;
  slack: SlackTestHost;
  estate: { cronJobs: number; forbidden: number };
  botToken: string;
  signingSecret: string;
  configYaml: string;
  kubeconfigPath: string;
  /** The environment contract a production deployment uses (ARCHITECTURE.md, external contracts). */
  env: Record<string, string>;
  /** Stops every host and removes the directory. */
  close(): Promise<void>;
}

export async function startSandboxHosts(opts: HostsOptions): Promise<SandboxHosts> {
  const dir = mkdtempSync(join(tmpdir(), `hikkoshi-${opts.name}-`));
  const redis = await startRedisServer(opts.aof === undefined ? {} : { aof: opts.aof });
  const velero = {
    store: createVeleroStore(),
    backupDurationMs: 300,
    restoreDurationMs: 300,
    syncDelayMs: 500,
  };
  const cluster = (name: string, minor: string, readyDelayMs: number) =>
    startKubeHost({
      name,
      version: { major: "1", minor },
      velero,
      workloads: { readyDelayMs },
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.cronJobs ? { cronJobs: opts.cronJobs } : {}),
    });
  const old = await cluster("production-20251101", "31", opts.readyDelayMs?.old ?? 200);
  const neu = await cluster("production-20261125", "32", opts.readyDelayMs?.new ?? 400);
  const estate = populateEstate(old.objects, opts.estate, OLD_INGRESS);

  const route53 = await startRoute53Host({ insyncDelayMs: 200 });
  const zoneId = route53.createZone({ name: "example.com." });
  route53.putRecordSets(zoneId, [
    { Name: "www.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
    { Name: "api.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
  ]);

  const botToken = `xoxb-${opts.name}-${Math.random().toString(36).slice(2)}`;
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

  const configYaml = sandboxConfigYaml({ edgeUrl: edge.url, strategy: opts.strategy });
  const configPath = join(dir, "hikkoshi.yaml");
  writeFileSync(configPath, configYaml);
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, mergeKubeconfigs([old.kubeconfig(), neu.kubeconfig()]).exportConfig());
  const env = {
    HIKKOSHI_CONFIG: configPath,
    REDIS_URL: redis.url,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    KUBECONFIG: kubeconfigPath,
    AWS_ENDPOINT_URL_ROUTE_53: route53.endpoint,
    AWS_ACCESS_KEY_ID: opts.name,
    AWS_SECRET_ACCESS_KEY: opts.name,
    AWS_REGION: "us-east-1",
  };
  return {
    dir,
    redis,
    old,
    new: neu,
    route53,
    zoneId,
    slack,
    estate,
    botToken,
    signingSecret,
    configYaml,
    kubeconfigPath,
    env,
    async close() {
      await Promise.all([old.close(), neu.close(), route53.close(), slack.close(), edge.close()]);
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
