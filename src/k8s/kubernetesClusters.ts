// The ClusterPort over real Kubernetes API servers (through @kubernetes/client-node): one client per
// kubeconfig context, every request rate limited and retried by the environment's request policy.

import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterConfig, EnvironmentConfig } from "../config/schema.js";
import type {
  ClusterPort,
  EnvContext,
  ForbiddenSnapshot,
  HandoffReport,
  ProgressFn,
} from "../migration/ports.js";
import { type ClusterClient, ClusterRegistry } from "./clusterRegistry.js";
import * as gitops from "./gitops/index.js";
import type { HandoffDeps } from "./handoff/common.js";
import { revertCronJobs } from "./handoff/cronjobRevert.js";
import { revertDeployments } from "./handoff/deploymentHandoff.js";
import { runHandoff } from "./handoff/handoff.js";
import { takeForbiddenSnapshot } from "./handoff/snapshot.js";
import { readServiceAddress } from "./ingress.js";
import { listInventory, summarise } from "./inventory.js";
import { forbiddenSelector, parseLabel } from "./labels.js";
import { runPreflight } from "./preflight/index.js";
import { waitReady } from "./readiness.js";
import { defaultRetry, type RequestLimits, type RetryOptions } from "./requestPolicy.js";
import {
  type Clock,
  defaultPollIntervals,
  type Logger,
  type PollIntervals,
  silentLogger,
  systemClock,
} from "./runtime.js";
import { runBackup } from "./velero/backup.js";
import { runRestore } from "./velero/restore.js";
import { decommission, revertDecommission, snapshotWorkloads } from "./workloads.js";

export interface KubernetesClustersOptions {
  /** A KubeConfig, a kubeconfig path or YAML; default: `KUBECONFIG` / the default loading rules. */
  kubeconfig?: KubeConfig | string;
  logger?: Logger;
  clock?: Clock;
  /** Polling intervals (tests shorten them). */
  poll?: Partial<PollIntervals>;
  retry?: Partial<RetryOptions>;
  /** Per-request deadline (default 30 s); a request past it is retried like a reset connection. */
  requestTimeoutMs?: number;
}

export interface KubernetesClusters extends ClusterPort {
  /** Requests sent so far per cluster name (all limits), for reports and benchmarks. */
  requestCounts(): Record<string, number>;
}

export function limitsOf(env: EnvironmentConfig): RequestLimits {
  return { concurrency: env.handoff.concurrency, requestsPerSecond: env.handoff.requestsPerSecond };
}

export function createKubernetesClusters(opts: KubernetesClustersOptions = {}): KubernetesClusters {
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock ?? systemClock;
  const poll: PollIntervals = { ...defaultPollIntervals, ...opts.poll };
  const retry: RetryOptions = { ...defaultRetry, ...opts.retry };
  const registry = new ClusterRegistry({
    kubeconfig: opts.kubeconfig,
    logger,
    clock,
    retry,
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
  const clients = new Set<ClusterClient>();

  const client = (cluster: ClusterConfig, env: EnvironmentConfig): ClusterClient => {
    const c = registry.client(cluster, limitsOf(env));
    clients.add(c);
    return c;
  };
  const both = (ctx: EnvContext) => ({
    source: client(ctx.source, ctx.env),
    target: client(ctx.target, ctx.env),
  });

  const handoffDeps = (ctx: EnvContext): HandoffDeps => ({
    ...both(ctx),
    migrationId: ctx.migrationId,
    forbiddenSelector: forbiddenSelector(parseLabel(ctx.env.duplicationForbiddenLabel)),
    excludedNamespaces: ctx.env.excludedNamespaces,
    requestsPerSecond: ctx.env.handoff.requestsPerSecond,
    clock,
    logger,
    concurrency: ctx.env.handoff.concurrency,
    drainPollMs: poll.drainMs,
    settleMs: poll.settleMs,
    activeJobsTimeoutMs: ctx.env.handoff.activeJobsTimeoutMinutes * 60_000,
    startingDeadlineSeconds: ctx.env.handoff.startingDeadlineSeconds,
  });

  return {
    requestCounts() {
      const out: Record<string, number> = {};
      for (const c of clients) out[c.name] = (out[c.name] ?? 0) + c.policy.stats.requests;
      return out;
    },

    async preflight(ctx) {
      const { source, target } = both(ctx);
      return runPreflight(ctx, source, target);
    },

    async inventory(ctx) {
      const items = await listInventory(both(ctx).source, ctx.env.excludedNamespaces);
      return summarise(items, parseLabel(ctx.env.duplicationForbiddenLabel));
    },

    async backup(ctx, backupName, progress, signal) {
      return runBackup(both(ctx).source, ctx, backupName, progress, signal, {
        clock,
        logger,
        pollMs: poll.veleroMs,
      });
    },

    async restore(ctx, backupName, progress, signal) {
      return runRestore(both(ctx).target, ctx, backupName, progress, signal, {
        clock,
        logger,
        pollMs: poll.veleroMs,
        readinessPollMs: poll.readinessMs,
      });
    },

    async waitReady(ctx, progress, signal) {
      return waitReady(both(ctx).target, ctx, progress, signal, clock, poll.readinessMs);
    },

    async snapshotForbidden(ctx) {
      const { source, target } = both(ctx);
      return takeForbiddenSnapshot(
        source,
        target,
        parseLabel(ctx.env.duplicationForbiddenLabel),
        ctx.env.excludedNamespaces,
        clock.now(),
      );
    },

    async handoff(ctx, snapshot, progress, signal, events): Promise<HandoffReport> {
      return runHandoff(handoffDeps(ctx), snapshot, progress, signal, events);
    },

    async revertHandoff(ctx, snapshot: ForbiddenSnapshot, progress: ProgressFn) {
      const deps = handoffDeps(ctx);
      await revertCronJobs(deps, snapshot.cronJobs, progress);
      await revertDeployments(deps, snapshot.deployments, progress);
    },

    async snapshotWorkloads(ctx) {
      return snapshotWorkloads(both(ctx).source, ctx.env.excludedNamespaces, clock.now());
    },

    async decommission(ctx, snapshot, progress) {
      await decommission(both(ctx).source, ctx, snapshot, progress, clock.now());
    },

    async revertDecommission(ctx, snapshot, progress) {
      const { source } = both(ctx);
      // Readiness before traffic returns here is shift-traffic's compensation's (readyForTraffic.ts).
      await revertDecommission(source, ctx, snapshot, progress);
    },

    // GitOps (src/k8s/gitops): what would fight the migration, paused and resumed; the source's guard.
    snapshotGitOps: (ctx, fight) => gitops.snapshotGitOps(both(ctx), ctx, fight, clock.now()),
    pauseGitOps: (ctx, pauses) => gitops.pauseGitOps(both(ctx), pauses),
    resumeGitOps: (ctx, pauses) => gitops.resumeGitOps(both(ctx), pauses),
    readGitOps: (ctx, pauses) => gitops.readGitOps(both(ctx), pauses),
    guardSource: (ctx) => gitops.guardSource(both(ctx).source, ctx, () => clock.now()),

    async ingressHostname(cluster, env) {
      if (cluster.ingress.hostname) return cluster.ingress.hostname;
      return readServiceAddress(client(cluster, env), cluster);
    },
  };
}
