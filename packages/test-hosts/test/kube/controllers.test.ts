import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeHost, ManualClock, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, cronJob, deployment, failure, waitFor } from "./helpers.js";

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("workload and load-balancer controllers", () => {
  let host: KubeHost;
  let c: Clients;

  beforeAll(async () => {
    host = await startKubeHost({
      name: "wl-20260101",
      workloads: {
        readyDelayMs: 60,
        podTerminationDelayMs: 30,
        progressDeadlineMs: 80,
        neverReady: ["Deployment/shop/stuck"],
        pods: true,
      },
      loadBalancers: { delayMs: 30 },
    });
    c = clientsFor(host);
    await c.core.createNamespace({ body: { metadata: { name: "shop" } } });
  });

  afterAll(async () => {
    await host.close();
  });

  it("makes a Deployment ready after the delay, at its generation, with pods", async () => {
    const t0 = Date.now();
    const created = await c.apps.createNamespacedDeployment({
      namespace: "shop",
      body: deployment("web", "shop", {}, 3),
    });
    expect(created.status?.readyReplicas ?? 0).toBe(0);
    const ready = await waitFor(async () => {
      const d = await c.apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
      return d.status?.readyReplicas === 3 ? d : undefined;
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(60);
    expect(ready.status?.observedGeneration).toBe(ready.metadata?.generation);
    expect(ready.status?.conditions?.find((x) => x.type === "Available")?.status).toBe("True");
    const pods = await c.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=web" });
    expect(pods.items).toHaveLength(3);
    expect(pods.items[0]?.metadata?.ownerReferences?.[0]?.kind).toBe("Deployment");
  });

  it("scaling to 0 makes the pods go away", async () => {
    await c.apps.patchNamespacedDeploymentScale(
      { name: "web", namespace: "shop", body: { spec: { replicas: 0 } } },
      merge,
    );
    const d = await waitFor(async () => {
      const cur = await c.apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
      return cur.status?.observedGeneration === cur.metadata?.generation && (cur.status?.replicas ?? 0) === 0
        ? cur
        : undefined;
    });
    expect(d.spec?.replicas).toBe(0);
    const pods = await waitFor(async () => {
      const list = await c.core.listNamespacedPod({ namespace: "shop", labelSelector: "app=web" });
      return list.items.length === 0 ? list : undefined;
    });
    expect(pods.items).toEqual([]);
  });

  it("reports ProgressDeadlineExceeded for a workload marked never ready", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "shop", body: deployment("stuck", "shop") });
    const d = await waitFor(async () => {
      const cur = await c.apps.readNamespacedDeployment({ name: "stuck", namespace: "shop" });
      return cur.status?.conditions?.some((x) => x.reason === "ProgressDeadlineExceeded") ? cur : undefined;
    });
    expect(d.status?.readyReplicas ?? 0).toBe(0);
    expect(d.status?.conditions?.find((x) => x.type === "Progressing")?.status).toBe("False");
    host.workloads?.setNeverReady("Deployment", "shop", "stuck", false);
    await waitFor(async () => {
      const cur = await c.apps.readNamespacedDeployment({ name: "stuck", namespace: "shop" });
      return cur.status?.readyReplicas === 2 ? cur : undefined;
    });
  });

  it("gives a StatefulSet and a DaemonSet their own status shapes", async () => {
    const sts = deployment("db", "shop", {}, 2);
    await c.objects.create({ ...sts, kind: "StatefulSet", spec: { ...sts.spec, serviceName: "db" } });
    const ds = deployment("agent", "shop");
    const { replicas: _r, ...dsSpec } = ds.spec;
    await c.objects.create({ ...ds, kind: "DaemonSet", spec: dsSpec });
    const s = await waitFor(async () => {
      const cur = await c.apps.readNamespacedStatefulSet({ name: "db", namespace: "shop" });
      return cur.status?.readyReplicas === 2 ? cur : undefined;
    });
    expect(s.status?.currentRevision).toMatch(/^db-/);
    const d = await waitFor(async () => {
      const cur = await c.apps.readNamespacedDaemonSet({ name: "agent", namespace: "shop" });
      return cur.status?.numberReady === 3 ? cur : undefined;
    });
    expect(d.status?.desiredNumberScheduled).toBe(3);
  });

  it("assigns a load-balancer hostname derived from the Service uid", async () => {
    const svc = await c.core.createNamespacedService({
      namespace: "shop",
      body: {
        metadata: { name: "edge" },
        spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80 }] },
      },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(svc.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    const withLb = await waitFor(async () => {
      const cur = await c.core.readNamespacedService({ name: "edge", namespace: "shop" });
      return cur.status?.loadBalancer?.ingress?.[0]?.hostname ? cur : undefined;
    });
    const hostname = withLb.status?.loadBalancer?.ingress?.[0]?.hostname ?? "";
    expect(hostname).toMatch(/^a[0-9a-f]{32}-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(hostname).toContain((svc.metadata?.uid ?? "").replace(/-/g, ""));
  });
});

describe("CronJob controller", () => {
  const start = Date.parse("2026-01-01T10:00:30Z");
  let clock: ManualClock;
  let host: KubeHost;
  let c: Clients;

  beforeAll(async () => {
    clock = new ManualClock(start);
    host = await startKubeHost({
      name: "cron-20260101",
      clock,
      workloads: false,
      cronJobs: { tickMs: 5, jobDurationMs: 20_000 },
    });
    c = clientsFor(host);
    await c.core.createNamespace({ body: { metadata: { name: "jobs" } } });
  });

  afterAll(async () => {
    await host.close();
  });

  const eventsFor = (name: string) => host.cronJobEvents.filter((e) => e.cronJob === name);

  it("runs the missed schedule at once after an unsuspend, unless startingDeadlineSeconds makes it too old", async () => {
    await c.batch.createNamespacedCronJob({
      namespace: "jobs",
      body: cronJob("catchup", "jobs", "*/1 * * * *", { suspend: true }),
    });
    await c.batch.createNamespacedCronJob({
      namespace: "jobs",
      body: cronJob("deadline", "jobs", "*/1 * * * *", { suspend: true, startingDeadlineSeconds: 10 }),
    });
    clock.set(Date.parse("2026-01-01T10:01:15Z")); // 10:01:00 was missed 15 s ago while suspended
    await sleep(30);
    expect(host.cronJobEvents).toEqual([]);
    for (const name of ["catchup", "deadline"]) {
      await c.batch.patchNamespacedCronJob(
        { name, namespace: "jobs", body: { spec: { suspend: false } } },
        merge,
      );
    }
    const ev = await waitFor(() => eventsFor("catchup")[0]);
    // The host clock did not move: the missed run starts on the unsuspend itself, not at a next schedule.
    expect(ev.actualTime).toBe(Date.parse("2026-01-01T10:01:15Z"));
    expect(ev.scheduledTime).toBe("2026-01-01T10:01:00Z");
    await sleep(50);
    host.cronJobs?.syncAll();
    expect(eventsFor("deadline")).toEqual([]);
    const cj = await c.batch.readNamespacedCronJob({ name: "catchup", namespace: "jobs" });
    expect(cj.status?.lastScheduleTime?.toISOString()).toBe("2026-01-01T10:01:00.000Z");
    expect(cj.status?.active?.[0]?.name).toBe(ev.job);
    const job = await c.batch.readNamespacedJob({ name: ev.job, namespace: "jobs" });
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "CronJob",
      name: "catchup",
      controller: true,
    });
    expect(job.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
      "2026-01-01T10:01:00Z",
    );
  });

  it("carrying lastScheduleTime over (status subresource) prevents the catch-up run", async () => {
    await c.batch.createNamespacedCronJob({
      namespace: "jobs",
      body: cronJob("carried", "jobs", "*/1 * * * *", { suspend: true }),
    });
    clock.set(Date.parse("2026-01-01T10:02:20Z"));
    await c.batch.patchNamespacedCronJobStatus(
      { name: "carried", namespace: "jobs", body: { status: { lastScheduleTime: "2026-01-01T10:02:00Z" } } },
      merge,
    );
    await c.batch.patchNamespacedCronJob(
      { name: "carried", namespace: "jobs", body: { spec: { suspend: false } } },
      merge,
    );
    await sleep(50);
    host.cronJobs?.syncAll();
    expect(eventsFor("carried")).toEqual([]);
    clock.set(Date.parse("2026-01-01T10:03:01Z"));
    const ev = await waitFor(() => eventsFor("carried")[0]);
    expect(ev.scheduledTime).toBe("2026-01-01T10:03:00Z");
  });

  it("finishes Jobs after their duration and keeps the history limit", async () => {
    const body = cronJob("hist", "jobs", "*/1 * * * *");
    body.spec = { ...body.spec, successfulJobsHistoryLimit: 2 } as typeof body.spec;
    await c.batch.createNamespacedCronJob({ namespace: "jobs", body });
    for (let m = 4; m <= 8; m++) {
      clock.set(Date.parse(`2026-01-01T10:0${m}:00Z`) + 100);
      await waitFor(() => eventsFor("hist").find((e) => e.scheduledTime === `2026-01-01T10:0${m}:00Z`));
      clock.advance(25_000);
      await waitFor(async () => {
        const cj = await c.batch.readNamespacedCronJob({ name: "hist", namespace: "jobs" });
        return (cj.status?.active ?? []).length === 0 ? cj : undefined;
      });
    }
    const cj = await c.batch.readNamespacedCronJob({ name: "hist", namespace: "jobs" });
    expect(cj.status?.lastSuccessfulTime).toBeInstanceOf(Date);
    const jobs = await waitFor(async () => {
      const list = await c.batch.listNamespacedJob({ namespace: "jobs" });
      const mine = list.items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === "hist");
      return mine.length === 2 ? mine : undefined;
    });
    expect(jobs.every((j) => j.status?.succeeded === 1)).toBe(true);
    expect(eventsFor("hist").map((e) => e.scheduledTime)).toHaveLength(5);
  });

  it("accepts seconds-granularity schedules when cronSecondsField is on (a real apiserver does not)", async () => {
    const secClock = new ManualClock(Date.parse("2026-01-01T12:00:00.500Z"));
    const fast = await startKubeHost({
      name: "sec-20260101",
      clock: secClock,
      cronSecondsField: true,
      workloads: false,
      cronJobs: { tickMs: 5, jobDurationMs: 500 },
    });
    try {
      const fc = clientsFor(fast);
      await fc.batch.createNamespacedCronJob({
        namespace: "default",
        body: cronJob("tick", "default", "*/2 * * * * *"),
      });
      for (const sec of [2, 4, 6]) {
        secClock.set(Date.parse(`2026-01-01T12:00:0${sec}.100Z`));
        await waitFor(() => fast.cronJobEvents.find((e) => e.scheduledTime === `2026-01-01T12:00:0${sec}Z`));
      }
      expect(fast.cronJobEvents.map((e) => e.job)).toEqual([
        "tick-1767268802",
        "tick-1767268804",
        "tick-1767268806",
      ]);
      const strict = await startKubeHost({ name: "strict-20260101", workloads: false, cronJobs: false });
      try {
        const err = await failure(() =>
          clientsFor(strict).batch.createNamespacedCronJob({
            namespace: "default",
            body: cronJob("tick", "default", "*/2 * * * * *"),
          }),
        );
        expect(err.details?.causes?.[0]?.message).toContain("Expected exactly 5 fields, found 6");
      } finally {
        await strict.close();
      }
    } finally {
      await fast.close();
    }
  });
});
