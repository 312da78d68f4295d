// A whole migration against two Kubernetes API test hosts (with Velero), a real redis-server, and the
// step worker in a child process (test/k8s/engineWorker.ts) that a test can SIGKILL. The worker runs the
// real Kubernetes port over HTTP and the production lock settings; DNS and HTTP checks use the engine's
// test ports (their own adapters have their own tests).

import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildEstate,
  type CronJobControllerOptions,
  createVeleroStore,
  type KubeHost,
  kubeconfigFor,
  startKubeHost,
  type VeleroHostOptions,
} from "@hikkoshi/test-hosts/kube";
import { Redis } from "ioredis";
import pino from "pino";
import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import { createEngine, type Engine } from "../../src/jobs/engine.js";
import { createKubernetesClusters } from "../../src/k8s/kubernetesClusters.js";
import type { Ports } from "../../src/migration/ports.js";
import { PRODUCTION_ACCESS_YAML, productionDnsYaml } from "../support/productionYaml.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { createTestPorts } from "../support/testPorts.js";
import { startTsxChild } from "../support/tsxChild.js";

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE = "production-20251101";
export const TARGET = "production-20261125";
export const ALICE = { userId: "U0ALICE001" };
export const BOB = { userId: "U0BOB00001" };

export function engineConfigYaml(handoff: string): string {
  return `
environments:
  production:
${PRODUCTION_ACCESS_YAML}
    clusters:
      - { name: ${SOURCE}, context: ${SOURCE}, ingress: { hostname: old-lb.test } }
      - { name: ${TARGET}, context: ${TARGET} }
${productionDnsYaml()}
    handoff: ${handoff}
    checks: { smoke: [], verify: [] }
    readinessTimeoutMinutes: 2
    decommissionSoakMinutes: 0
`;
}

export interface EngineWorld {
  redis: RedisServerHandle;
  source: KubeHost;
  target: KubeHost;
  config: HikkoshiConfig;
  /** Commands and the store, in this process; steps run only in the child worker. */
  engine: Engine;
  worker: ChildProcess | undefined;
  /** Everything the workers wrote to stdout (pino JSON lines at `logLevel`). */
  workerLog: string[];
  /** Starts the worker; resolves with Date.now() once it takes jobs. */
  startWorker(): Promise<number>;
  /** SIGKILL: no drain, the running step is abandoned where it is. */
  killWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineWorldOptions {
  handoff: string;
  cronJobs?: CronJobControllerOptions;
  velero?: Partial<VeleroHostOptions>;
  /** Worker-side retry of a failed step (default: BullMQ's fixed 500 ms, 6 attempts). */
  retry?: { attempts: number; delayMs: number };
  /** The worker's pino level (default silent). */
  logLevel?: string;
}

export async function startEngineWorld(opts: EngineWorldOptions): Promise<EngineWorld> {
  const redis = await startRedisServer();
  const store = createVeleroStore();
  const velero = { store, backupDurationMs: 150, restoreDurationMs: 150, syncDelayMs: 200, ...opts.velero };
  const cronJobs = opts.cronJobs ?? {};
  const source = await startKubeHost({ name: SOURCE, velero, cronJobs, cronSecondsField: true });
  const target = await startKubeHost({ name: TARGET, velero, cronJobs, cronSecondsField: true });
  buildEstate(source.objects, {
    namespaces: 2,
    deploymentsPerNamespace: 1,
    configMapsPerNamespace: 1,
    cronJobs: 0,
  });
  const yaml = engineConfigYaml(opts.handoff);
  const config = parseConfig(yaml);
  const kubeconfig = kubeconfigFor([source, target]);
  const testPorts = createTestPorts({ redisUrl: redis.url });
  await testPorts.world.init(SOURCE);
  const ports: Ports = {
    ...testPorts,
    clusters: createKubernetesClusters({ kubeconfig }),
  };
  const engine = await createEngine({
    redisUrl: redis.url,
    config,
    ports,
    logger: pino({ level: "silent" }),
  });
  const childOptions = {
    redisUrl: redis.url,
    kubeconfig,
    configYaml: yaml,
    retry: opts.retry ?? { attempts: 6, delayMs: 500 },
  };
  const world: EngineWorld = {
    redis,
    source,
    target,
    config,
    engine,
    worker: undefined,
    workerLog: [],
    startWorker() {
      const { child, ready } = startTsxChild(join(here, "engineWorker.ts"), childOptions, {
        readyLine: /ready/,
        what: "worker",
        timeoutMs: 60_000,
        env: { ...process.env, TEST_LOG_LEVEL: opts.logLevel ?? "silent" },
        onStdout: (text) => world.workerLog.push(...text.split("\n").filter((l) => l.length > 0)),
      });
      world.worker = child;
      return ready.then(() => Date.now());
    },
    killWorker() {
      const child = world.worker;
      world.worker = undefined;
      return new Promise((resolve) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
    async close() {
      await world.killWorker();
      await engine.close();
      testPorts.close();
      await Promise.all([source.close(), target.close()]);
      await redis.stop();
    },
  };
  return world;
}

/** Flushes Redis (a fresh world per test keeps the hosts' state honest, so this is for reuse only). */
export async function flush(url: string): Promise<void> {
  const c = new Redis(url);
  await c.flushall();
  c.disconnect();
}
