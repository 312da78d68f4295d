// The sandbox's hosts (two Kubernetes API hosts with Velero and an estate, Route 53 with the zone, Slack,
// the load-balancer stand-in, a real redis-server), all on 127.0.0.1, with hikkoshi run as production
// runs it: the compiled `node dist/src/main.js` in a process of its own, configured only through
// environment variables and the config file. For figures taken from outside the process (its RSS).

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EstateSize, populateEstate } from "@hikkoshi/sandbox/demoEstate";
import { SANDBOX_CHANNEL, SANDBOX_USERS, sandboxConfigYaml } from "@hikkoshi/sandbox/sandboxConfig";
import { OLD_INGRESS } from "@hikkoshi/sandbox/world";
import { startEdgeServer } from "@hikkoshi/test-hosts/edgeServer";
import { type KubeHost, startKubeHost } from "@hikkoshi/test-hosts/kube";
import { createVeleroStore } from "@hikkoshi/test-hosts/kube/velero/store";
import { type RedisServerHandle, startRedisServer } from "@hikkoshi/test-hosts/redisServer";
import { type Route53Host, startRoute53Host } from "@hikkoshi/test-hosts/route53";
import { type SlackTestHost, startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { buttonsOf, SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import { mergeKubeconfigs } from "../src/k8s/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProcessWorld {
  redis: RedisServerHandle;
  old: KubeHost;
  new: KubeHost;
  route53: Route53Host;
  slack: SlackTestHost;
  /** The environment `node dist/src/main.js` is started with. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProcessWorld(estate: EstateSize, latencyMs = 0): Promise<ProcessWorld> {
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-bench-world-"));
  const redis = await startRedisServer({ aof: false });
  const velero = {
    store: createVeleroStore(),
    backupDurationMs: 300,
    restoreDurationMs: 300,
    syncDelayMs: 500,
  };
  const old = await startKubeHost({
    name: "production-20251101",
    version: { major: "1", minor: "31" },
    velero,
    workloads: { readyDelayMs: 200 },
  });
  const neu = await startKubeHost({
    name: "production-20261125",
    version: { major: "1", minor: "32" },
    velero,
    workloads: { readyDelayMs: 400 },
  });
  populateEstate(old.objects, estate, OLD_INGRESS);
  if (latencyMs > 0) {
    old.faults.set({ latencyMs });
    neu.faults.set({ latencyMs });
  }
  const route53 = await startRoute53Host({ insyncDelayMs: 200 });
  const zoneId = route53.createZone({ name: "example.com." });
  route53.putRecordSets(zoneId, [
    { Name: "www.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
    { Name: "api.example.com.", Type: "CNAME", TTL: 5, ResourceRecords: [{ Value: OLD_INGRESS }] },
  ]);
  const botToken = `xoxb-bench-${Math.random().toString(36).slice(2)}`;
  const signingSecret = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const slack = await startSlackTestHost({
    tokens: [botToken],
    usergroups: { S0PLATFORM: [SANDBOX_USERS.alice, SANDBOX_USERS.bob] },
    users: { [SANDBOX_USERS.alice]: { name: "alice" }, [SANDBOX_USERS.bob]: { name: "bob" } },
  });
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
  const configPath = join(dir, "hikkoshi.yaml");
  writeFileSync(configPath, sandboxConfigYaml({ edgeUrl: edge.url, strategy: "weighted" }));
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, mergeKubeconfigs([old.kubeconfig(), neu.kubeconfig()]).exportConfig());
  const env = {
    HIKKOSHI_CONFIG: configPath,
    HIKKOSHI_ROLE: "all",
    REDIS_URL: redis.url,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_BOT_TOKEN: botToken,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    KUBECONFIG: kubeconfigPath,
    AWS_ENDPOINT_URL_ROUTE_53: route53.endpoint,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "info",
  };
  return {
    redis,
    old,
    new: neu,
    route53,
    slack,
    env,
    async close() {
      await Promise.all([old.close(), neu.close(), route53.close(), slack.close(), edge.close()]);
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HikkoshiProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  client: SlackTestClient;
  /** Resident set size now, from /proc/<pid>/status (VmRSS), in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** `node <main>` with the world's environment; resolves once it logged "hikkoshi started" (bounded). */
export async function spawnHikkoshi(
  world: ProcessWorld,
  main: string,
  extra: Record<string, string> = {},
): Promise<HikkoshiProcess> {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", ...world.env, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(
      () => reject(new Error(`hikkoshi did not start within 60 s:\n${stderr}`)),
      60_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hikkoshi exited with ${code} before it started:\n${stderr}${buf.slice(-4000)}`));
    });
    child.stdout?.on("data", (d: Buffer) => {
      buf = (buf + d.toString()).slice(-100_000);
      for (const line of buf.split("\n")) {
        if (!line.includes('"hikkoshi started"')) continue;
        const p = (JSON.parse(line) as { port?: number }).port;
        if (typeof p === "number") {
          clearTimeout(timer);
          resolve(p);
        }
      }
    });
  });
  child.removeAllListeners("exit");
  const pid = child.pid ?? 0;
  const client = new SlackTestClient({
    requestUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: world.env.SLACK_SIGNING_SECRET ?? "",
    host: world.slack,
  });
  return {
    child,
    pid,
    port,
    client,
    rssMb: () => vmRssMb(pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export function vmRssMb(pid: number): number {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(text)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** The live message's button labelled `label`, clicked as `user` (bounded wait). */
export async function clickWhenShown(
  p: HikkoshiProcess,
  world: ProcessWorld,
  label: RegExp,
  user: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const top = world.slack.channelMessages(SANDBOX_CHANNEL).filter((m) => !m.threadTs);
    const m = top[top.length - 1];
    const b = m ? buttonsOf(m.blocks).find((x) => label.test(x.text)) : undefined;
    if (m && b) {
      const res = await p.client.clickOn(m, b, user);
      if (res.status !== 200) throw new Error(`click on "${b.text}" answered HTTP ${res.status}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`no "${label.source}" button within ${timeoutMs} ms`);
    await sleep(100);
  }
}
