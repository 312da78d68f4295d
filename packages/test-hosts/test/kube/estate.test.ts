import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { buildEstate, type KubeHost, ManualClock, startKubeHost } from "../../src/kube/index.js";
import { clientsFor, cronJob, waitFor } from "./helpers.js";

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const hosts: KubeHost[] = [];

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

describe("estate builder", () => {
  it("builds the same realistic estate for the same options, listable through the client", async () => {
    const a = await startKubeHost({
      name: "estate-a-20260101",
      cronJobs: false,
      workloads: false,
      apiVersions: { enable: ["batch/v1beta1", "policy/v1beta1"] },
    });
    const b = await startKubeHost({ name: "estate-b-20260101", cronJobs: false, workloads: false });
    hosts.push(a, b);
    const opts = {
      cronJobs: 120,
      hazards: {
        unlabelledCronJobs: 2,
        statefulDatabase: true,
        legacyCronJobs: 1,
        podSecurityPolicy: true,
        orphanJob: true,
      },
    };
    const sa = buildEstate(a.objects, opts);
    const sb = buildEstate(b.objects, opts);
    expect(sa).toEqual(sb);
    expect(sa.forbiddenCronJobs).toHaveLength(30);
    const c = clientsFor(a);
    const forbidden = await c.batch.listCronJobForAllNamespaces({
      labelSelector: "hikkoshi.dev/duplication=forbidden",
    });
    expect(forbidden.items).toHaveLength(30);
    const unlabelled = await c.batch.listCronJobForAllNamespaces({
      labelSelector: "!hikkoshi.dev/duplication",
    });
    expect(unlabelled.items.map((i) => i.metadata?.name)).toEqual(["unlabelled-0", "unlabelled-1"]);
    const ingress = await c.core.readNamespacedService({
      name: "ingress-nginx-controller",
      namespace: "ingress-nginx",
    });
    expect(ingress.spec?.type).toBe("LoadBalancer");
    const legacy = a.objects.get("batch/v1", "CronJob", "legacy-0", "billing");
    expect(legacy?.metadata?.managedFields?.[0]?.apiVersion).toBe("batch/v1beta1");
    const images = a.objects.list("apps/v1", "Deployment").map((d) => JSON.stringify(d.spec));
    expect(images).toEqual(b.objects.list("apps/v1", "Deployment").map((d) => JSON.stringify(d.spec)));
  });
});

describe("CronJob handoff across two hosts sharing a clock", () => {
  const FORBIDDEN = { "hikkoshi.dev/duplication": "forbidden" };

  async function handoff(carryLastScheduleTime: boolean): Promise<string[]> {
    const clock = new ManualClock(Date.parse("2026-03-01T09:00:10Z"));
    const source = await startKubeHost({
      name: "old-20250101",
      clock,
      workloads: false,
      cronJobs: { tickMs: 5, jobDurationMs: 5_000 },
    });
    const target = await startKubeHost({
      name: "new-20260301",
      clock,
      workloads: false,
      cronJobs: { tickMs: 5, jobDurationMs: 5_000 },
    });
    hosts.push(source, target);
    const s = clientsFor(source);
    const t = clientsFor(target);
    await s.core.createNamespace({ body: { metadata: { name: "pay" } } });
    await t.core.createNamespace({ body: { metadata: { name: "pay" } } });
    await s.batch.createNamespacedCronJob({
      namespace: "pay",
      body: cronJob("settle", "pay", "*/1 * * * *", { labels: FORBIDDEN }),
    });
    // The restored copy: suspended, no status.
    await t.batch.createNamespacedCronJob({
      namespace: "pay",
      body: cronJob("settle", "pay", "*/1 * * * *", { labels: FORBIDDEN, suspend: true }),
    });
    for (const m of [1, 2, 3]) {
      clock.set(Date.parse(`2026-03-01T09:0${m}:00Z`) + 500);
      await waitFor(() => source.cronJobEvents.find((e) => e.scheduledTime === `2026-03-01T09:0${m}:00Z`));
    }
    clock.set(Date.parse("2026-03-01T09:03:20Z"));
    await s.batch.patchNamespacedCronJob(
      { name: "settle", namespace: "pay", body: { spec: { suspend: true } } },
      merge,
    );
    if (carryLastScheduleTime) {
      const src = await s.batch.readNamespacedCronJob({ name: "settle", namespace: "pay" });
      await t.batch.patchNamespacedCronJobStatus(
        {
          name: "settle",
          namespace: "pay",
          body: { status: { lastScheduleTime: src.status?.lastScheduleTime?.toISOString() } },
        },
        merge,
      );
    }
    await t.batch.patchNamespacedCronJob(
      { name: "settle", namespace: "pay", body: { spec: { suspend: false } } },
      merge,
    );
    await new Promise((r) => setTimeout(r, 50));
    clock.set(Date.parse("2026-03-01T09:04:00Z") + 500);
    await waitFor(() => target.cronJobEvents.find((e) => e.scheduledTime === "2026-03-01T09:04:00Z"));
    return [...source.cronJobEvents, ...target.cronJobEvents].map(
      (e) => `${e.namespace}/${e.cronJob}@${e.scheduledTime}`,
    );
  }

  function duplicates(runs: string[]): string[] {
    return runs.filter((r, i) => runs.indexOf(r) !== i);
  }

  it("naive suspend-then-unsuspend runs the last minute on both clusters", async () => {
    const runs = await handoff(false);
    expect(duplicates(runs)).toEqual(["pay/settle@2026-03-01T09:03:00Z"]);
  });

  it("carrying lastScheduleTime over means no scheduled time ran on both clusters", async () => {
    const runs = await handoff(true);
    expect(duplicates(runs)).toEqual([]);
    expect(runs).toContain("pay/settle@2026-03-01T09:04:00Z");
  });
});
