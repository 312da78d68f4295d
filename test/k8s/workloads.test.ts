// Readiness, forbidden Deployment handoff, decommission, inventory, ingress hostname and 409 handling,
// against test hosts through the real client.

import { kubeconfigFor } from "@hikkoshi/test-hosts/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/k8s/clusterRegistry.js";
import { setCronSpec, viewOf } from "../../src/k8s/handoff/cronjobs.js";
import {
  cronJob,
  deployment,
  envContext,
  FORBIDDEN,
  never,
  noProgress,
  SOURCE,
  startWorld,
  TOLERANT,
  type World,
} from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("workloads on test hosts", () => {
  let w: World;
  beforeAll(async () => {
    const workloads = {
      readyDelayMs: 80,
      podTerminationDelayMs: 80,
      neverReady: ["Deployment/shop/checkout", "Deployment/kube-system/broken"],
    };
    w = await startWorld({ source: { workloads }, target: { workloads } });
  });
  afterAll(async () => w?.close());

  it("waitReady names the workloads that did not become ready, and why", async () => {
    const t = w.target.objects;
    t.put(deployment("shop", "web", { replicas: 3 }));
    t.put(deployment("shop", "checkout", { replicas: 2 }));
    t.put(deployment("shop", "singleton", { replicas: 0, labels: FORBIDDEN }));
    t.put(deployment("kube-system", "broken", { replicas: 1 })); // excluded namespace: not counted
    t.put({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { namespace: "shop", name: "cache" },
      spec: {
        replicas: 2,
        serviceName: "cache",
        selector: { matchLabels: { app: "cache" } },
        template: {
          metadata: { labels: { app: "cache" } },
          spec: { containers: [{ name: "c", image: "redis" }] },
        },
      },
    });
    t.put({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { namespace: "shop", name: "agent" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: {
          metadata: { labels: { app: "agent" } },
          spec: { containers: [{ name: "a", image: "agent" }] },
        },
      },
    });
    const ctx = envContext("readinessTimeoutMinutes: 0.01");
    const progress: number[][] = [];
    const report = await w.port.waitReady(ctx, (d, total) => progress.push([d, total]), never());
    expect(report.total).toBe(5);
    expect(report.ready).toBe(4);
    expect(report.notReady).toHaveLength(1);
    expect(report.notReady[0]).toMatch(/^Deployment shop\/checkout: .*0\/2 available/);
    expect(report.notReady[0]).toContain("ProgressDeadlineExceeded");
    expect(progress.at(-1)).toEqual([4, 5]);

    w.target.workloads!.setNeverReady("Deployment", "shop", "checkout", false);
    const ok = await w.port.waitReady(envContext("readinessTimeoutMinutes: 0.05"), noProgress, never());
    expect(ok).toEqual({ ready: 5, total: 5, notReady: [] });
  });

  it("hands off a forbidden Deployment: source to 0, pods gone, then target to the source's replicas; reverts exactly", async () => {
    w.source.objects.put(deployment("ledger", "reconciler", { replicas: 2, labels: FORBIDDEN }));
    w.target.objects.put(deployment("ledger", "reconciler", { replicas: 0, labels: FORBIDDEN }));
    await sleep(150);
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    expect(snapshot.deployments).toContainEqual({
      namespace: "ledger",
      name: "reconciler",
      sourceReplicas: 2,
      targetReplicas: 0,
    });
    const order: string[] = [];
    const offS = w.source.store.onChange((e) => {
      if (e.resource === "apps/deployments" && e.object.metadata?.name === "reconciler") {
        const s = e.object as { spec?: { replicas?: number }; status?: { replicas?: number } };
        order.push(`source spec=${s.spec?.replicas} pods=${s.status?.replicas ?? 0}`);
      }
    });
    const offT = w.target.store.onChange((e) => {
      if (e.resource === "apps/deployments" && e.object.metadata?.name === "reconciler") {
        order.push(`target spec=${(e.object as { spec?: { replicas?: number } }).spec?.replicas}`);
      }
    });
    const report = await w.port.handoff(ctx, snapshot, noProgress, never());
    offS();
    offT();
    expect(report.deploymentsMoved).toBeGreaterThanOrEqual(1);
    expect(report.gaps.map((g) => g.resource)).toContain("Deployment ledger/reconciler");
    // The target was scaled up only after the source reported no pods.
    const firstTargetUp = order.indexOf("target spec=2");
    const sourceDrained = order.indexOf("source spec=0 pods=0");
    expect(sourceDrained).toBeGreaterThanOrEqual(0);
    expect(firstTargetUp).toBeGreaterThan(sourceDrained);

    await w.port.revertHandoff(ctx, snapshot, noProgress);
    expect(w.source.objects.get("apps/v1", "Deployment", "reconciler", "ledger")?.spec?.replicas).toBe(2);
    expect(w.target.objects.get("apps/v1", "Deployment", "reconciler", "ledger")?.spec?.replicas).toBe(0);
  });

  it("decommissions the source (scale to 0, retired marker) and reverts to the recorded replicas", async () => {
    w.source.objects.put(deployment("shop", "api", { replicas: 4 }));
    w.source.objects.put({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { namespace: "shop", name: "queue" },
      spec: {
        replicas: 3,
        serviceName: "queue",
        selector: { matchLabels: { app: "queue" } },
        template: {
          metadata: { labels: { app: "queue" } },
          spec: { containers: [{ name: "q", image: "q" }] },
        },
      },
    });
    const ctx = envContext();
    const snap = await w.port.snapshotWorkloads(ctx);
    expect(snap.workloads).toContainEqual({
      kind: "Deployment",
      namespace: "shop",
      name: "api",
      replicas: 4,
    });
    expect(snap.workloads).toContainEqual({
      kind: "StatefulSet",
      namespace: "shop",
      name: "queue",
      replicas: 3,
    });
    await w.port.decommission(ctx, snap, noProgress);
    await w.port.decommission(ctx, snap, noProgress); // idempotent
    for (const d of w.source.objects
      .list("apps/v1", "Deployment")
      .filter((d) => !ctx.env.excludedNamespaces.includes(d.metadata?.namespace ?? ""))) {
      expect(d.spec?.replicas, d.metadata?.name).toBe(0);
    }
    expect(w.source.objects.get("apps/v1", "StatefulSet", "queue", "shop")?.spec?.replicas).toBe(0);
    const marker = w.source.objects.get("v1", "ConfigMap", "hikkoshi-retired", "kube-public");
    expect(marker?.data).toMatchObject({
      migrationId: "production-20261125-1",
      replacedBy: "production-20261125",
    });

    await w.port.revertDecommission(ctx, snap, noProgress);
    for (const x of snap.workloads) {
      const kind = x.kind;
      expect(
        w.source.objects.get("apps/v1", kind, x.name, x.namespace)?.spec?.replicas,
        `${kind} ${x.name}`,
      ).toBe(x.replicas);
    }
    expect(w.source.objects.get("v1", "ConfigMap", "hikkoshi-retired", "kube-public")).toBeUndefined();
  });

  it("decommission costs one PATCH per workload, no GET; a retry and the revert cost the same", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `svc-${i}`);
    for (const [i, name] of names.entries()) {
      w.source.objects.put(deployment(`fleet-${i % 3}`, name, { replicas: 1 + (i % 4) }));
    }
    const ctx = envContext();
    const all = await w.port.snapshotWorkloads(ctx);
    const snap = { ...all, workloads: all.workloads.filter((x) => x.namespace.startsWith("fleet-")) };
    expect(snap.workloads).toHaveLength(names.length);
    // One of them is deleted after the snapshot: its PATCH answers 404 and there is nothing to scale.
    w.source.objects.delete("apps/v1", "Deployment", "svc-0", "fleet-0");
    const perRun = () => {
      const { get = 0, patch = 0 } = w.source.stats.byVerb;
      return { get, patch };
    };
    for (const run of [
      () => w.port.decommission(ctx, snap, noProgress),
      () => w.port.decommission(ctx, snap, noProgress), // a retry converges with the same requests
      () => w.port.revertDecommission(ctx, snap, noProgress),
    ]) {
      w.source.stats.reset();
      await run();
      expect(perRun()).toEqual({ get: 0, patch: names.length });
    }
    for (const x of snap.workloads.filter((x) => x.name !== "svc-0")) {
      expect(w.source.objects.get("apps/v1", "Deployment", x.name, x.namespace)?.spec?.replicas).toBe(
        x.replicas,
      );
    }
    expect(w.source.objects.get("apps/v1", "Deployment", "svc-0", "fleet-0")).toBeUndefined();
    for (const x of snap.workloads) w.source.objects.delete("apps/v1", "Deployment", x.name, x.namespace);
  });

  it("inventories what would move, grouped by duplication policy", async () => {
    w.source.objects.put(cronJob("shop", "report", { labels: FORBIDDEN }));
    w.source.objects.put(cronJob("shop", "cleanup", { labels: TOLERANT }));
    const inv = await w.port.inventory(envContext());
    expect(inv.forbidden).toContain("CronJob shop/report");
    expect(inv.forbidden).toContain("Deployment ledger/reconciler");
    expect(inv.forbidden).not.toContain("CronJob shop/cleanup");
    expect(inv.counts.CronJob).toBe(2);
    expect(inv.counts.Deployment).toBeGreaterThanOrEqual(2);
    expect(inv.tolerant).toBe(Object.values(inv.counts).reduce((a, b) => a + b, 0) - inv.forbidden.length);
  });

  it("reads the ingress hostname from config, else from the Service status", async () => {
    const ctx = envContext();
    w.target.objects.put({
      apiVersion: "v1",
      kind: "Service",
      metadata: { namespace: "ingress-nginx", name: "ingress-nginx-controller" },
      spec: { type: "LoadBalancer", ports: [{ port: 443 }] },
      status: { loadBalancer: { ingress: [{ hostname: "new-lb.example" }] } },
    });
    expect(await w.port.ingressHostname(ctx.target, ctx.env)).toBe("new-lb.example");
    expect(
      await w.port.ingressHostname(
        { ...ctx.source, ingress: { ...ctx.source.ingress, hostname: "cfg.example" } },
        ctx.env,
      ),
    ).toBe("cfg.example");
    expect(await w.port.ingressHostname(ctx.source, ctx.env)).toBeUndefined();
  });

  it("answers a 409 on update with a fresh read, then writes", async () => {
    // Injected 409 on the unsuspend: the handoff re-reads and completes.
    w.source.objects.put(cronJob("conf", "nightly", { labels: FORBIDDEN }));
    w.target.objects.put(cronJob("conf", "nightly", { labels: FORBIDDEN, suspend: true }));
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    const only = {
      ...snapshot,
      cronJobs: snapshot.cronJobs.filter((c) => c.namespace === "conf"),
      deployments: [],
    };
    w.target.stats.reset();
    w.target.faults.failNext(1, 409, { verbs: ["patch"], resource: "cronjobs.batch", name: "nightly" });
    await w.port.handoff(ctx, only, noProgress, never());
    expect(w.target.stats.byStatus["409"]).toBe(1);
    expect(w.target.objects.get("batch/v1", "CronJob", "nightly", "conf")?.spec?.suspend).toBe(false);

    // A genuine resourceVersion conflict: write from a stale read; the server refuses, we re-read.
    const registry = new ClusterRegistry({ kubeconfig: kubeconfigFor([w.source, w.target]) });
    const client = registry.client(
      { name: SOURCE, context: SOURCE },
      { concurrency: 4, requestsPerSecond: 100 },
    );
    const stale = await client.batch.readNamespacedCronJob({ namespace: "conf", name: "nightly" });
    w.source.objects.update("batch/v1", "CronJob", "nightly", "conf", (o) => {
      o.metadata = { ...o.metadata, labels: { ...o.metadata?.labels, touched: "yes" } };
    });
    w.source.stats.reset();
    const written = await setCronSpec(
      client,
      "conf",
      "nightly",
      { suspend: true, startingDeadlineSeconds: 42 },
      stale,
    );
    expect(w.source.stats.byStatus["409"]).toBe(1);
    expect(client.policy.stats.conflicts).toBe(1);
    expect(viewOf(written!)).toMatchObject({ suspend: true, startingDeadlineSeconds: 42 });
    const stored = w.source.objects.get("batch/v1", "CronJob", "nightly", "conf");
    expect(stored?.metadata?.labels?.touched).toBe("yes");
    expect(stored?.spec?.startingDeadlineSeconds).toBe(42);
  });
});
