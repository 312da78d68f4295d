// One sandbox world for an end-to-end test: a small estate (plus CronJobs that fire every couple of
// seconds, so double runs would show), hikkoshi wired as `npm start` wires it, and a Slack driver.
// Everything goes in through signed Slack requests; tests read the world through the hosts.

import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { SlackDriver } from "@hikkoshi/sandbox/driver";
import { type SandboxOptions, type SandboxWorld, startSandboxWorld } from "@hikkoshi/sandbox/world";
import { type KubeHost, ScaledClock } from "@hikkoshi/test-hosts/kube";
import { cronJob } from "@hikkoshi/test-hosts/kube/objects";
import pino from "pino";
import { waitUntil } from "./wait.js";

export const FORBIDDEN_LABEL = { "hikkoshi.dev/duplication": "forbidden" } as const;

/** Two namespaces, a handful of workloads: enough to exercise every step, small enough to be quick. */
export const SMALL_ESTATE: EstateSize = {
  namespaces: ["web", "batch"],
  deploymentsPerNamespace: 2,
  cronJobsPerNamespace: 3,
  forbiddenEvery: 2,
};

/** Host minutes pass this many times faster than wall time: `* * * * *` runs every 2 s. */
export const CLOCK_SPEED = 30;

export interface E2eWorld {
  world: SandboxWorld;
  slack: SlackDriver;
  close(): Promise<void>;
}

export interface E2eOptions {
  strategy: "weighted" | "cnameSwap";
  readyDelayMs?: SandboxOptions["readyDelayMs"];
  /** Extra objects on the old cluster, put before the test starts the migration. */
  fixtures?: (old: KubeHost) => void;
}

/**
 * What makes the handoff interesting: two forbidden CronJobs that run every host minute (every 2 s of
 * wall time), one with its own startingDeadlineSeconds, one the team keeps suspended, one tolerant that
 * runs often, and a forbidden singleton Deployment.
 */
export function addHandoffFixtures(old: KubeHost): void {
  old.objects.put({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "payments-singleton",
      namespace: "ops",
      labels: { app: "payments-singleton", ...FORBIDDEN_LABEL },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "payments-singleton" } },
      template: {
        metadata: { labels: { app: "payments-singleton" } },
        spec: { containers: [{ name: "app", image: "registry.example.com/payments-singleton:1.0.0" }] },
      },
    },
  });
  old.objects.put(cronJob("ops", "ledger-close", "* * * * *"));
  old.objects.put(cronJob("ops", "invoice-run", "* * * * *", { startingDeadlineSeconds: 90 }));
  old.objects.put(cronJob("ops", "quarterly-report", "*/5 * * * *", { suspend: true }));
  old.objects.put(cronJob("ops", "cache-warm", "* * * * *", {}, { "hikkoshi.dev/duplication": "tolerant" }));
}

const silent = pino({ level: process.env.E2E_LOG ?? "silent" });

export async function startE2eWorld(opts: E2eOptions): Promise<E2eWorld> {
  const world = await startSandboxWorld({
    strategy: opts.strategy,
    logger: silent,
    estate: SMALL_ESTATE,
    clock: new ScaledClock(CLOCK_SPEED),
    // A run takes 45 host seconds (1.5 s of wall time): the handoff has running Jobs to wait for.
    cronJobs: { jobDurationMs: 45_000 },
    minUpdateIntervalMs: 200,
    ...(opts.readyDelayMs ? { readyDelayMs: opts.readyDelayMs } : {}),
  });
  try {
    addHandoffFixtures(world.old);
    opts.fixtures?.(world.old);
    // The starting world is settled: every workload on the old cluster is ready and the busy CronJobs ran.
    await waitUntil(
      () => notReadyDeployments(world.old).length === 0 && world.old.cronJobEvents.length > 0,
      "the old cluster to settle",
      20_000,
    );
  } catch (err) {
    await world.close();
    throw err;
  }
  return {
    world,
    slack: new SlackDriver(world),
    close: () => world.close(),
  };
}

/**
 * Deployments whose available replicas are below the desired count, as the kube host's objects show it.
 * `servingOnly` leaves out duplication-forbidden singletons: they tolerate loss by definition (their gap
 * is what the handoff measures), so one starting up does not make a cluster unfit for traffic.
 */
export function notReadyDeployments(host: KubeHost, opts: { servingOnly?: boolean } = {}): string[] {
  return host.objects
    .list("apps/v1", "Deployment")
    .filter((d) => !opts.servingOnly || d.metadata?.labels?.["hikkoshi.dev/duplication"] !== "forbidden")
    .filter((d) => {
      const spec = d.spec as { replicas?: number } | undefined;
      const status = d.status as { availableReplicas?: number } | undefined;
      return (status?.availableReplicas ?? 0) < (spec?.replicas ?? 1);
    })
    .map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`);
}

/** Hostnames of the cluster's LoadBalancer Services (what DNS may point at). */
export function loadBalancerHostnames(host: KubeHost): string[] {
  return host.objects.list("v1", "Service").flatMap((s) => {
    const ingress =
      (s.status as { loadBalancer?: { ingress?: Array<{ hostname?: string }> } } | undefined)?.loadBalancer
        ?.ingress ?? [];
    return ingress.flatMap((i) => (i.hostname ? [i.hostname] : []));
  });
}
