// The sandbox's hosts (two Kubernetes API hosts with Velero and an estate, Route 53 with the zone, Slack,
// the load-balancer stand-in, a real redis-server), all on 127.0.0.1, with hikkoshi run as production
// runs it: the compiled `node dist/src/main.js` in a process of its own, configured only through
// environment variables and the config file. For figures taken from outside the process (its RSS).

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { type SandboxHosts, startSandboxHosts } from "@hikkoshi/sandbox/hosts";
import { SANDBOX_CHANNEL } from "@hikkoshi/sandbox/sandboxConfig";
import { buttonsOf, SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The hosts; `env` is the environment `node dist/src/main.js` is started with. */
export type ProcessWorld = Pick<
  SandboxHosts,
  "redis" | "old" | "new" | "route53" | "slack" | "env" | "close"
>;

export async function startProcessWorld(estate: EstateSize, latencyMs = 0): Promise<ProcessWorld> {
  const hosts = await startSandboxHosts({ name: "bench", estate, strategy: "weighted", aof: false });
  if (latencyMs > 0) {
    hosts.old.faults.set({ latencyMs });
    hosts.new.faults.set({ latencyMs });
  }
  return {
    redis: hosts.redis,
    old: hosts.old,
    new: hosts.new,
    route53: hosts.route53,
    slack: hosts.slack,
    env: { ...hosts.env, HIKKOSHI_ROLE: "all", LOG_LEVEL: "info" },
    close: () => hosts.close(),
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
