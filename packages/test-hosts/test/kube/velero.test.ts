import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVeleroStore, type KubeHost, type KubeObject, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, cronJob, deployment, waitFor } from "./helpers.js";

const FORBIDDEN = { "hikkoshi.dev/duplication": "forbidden" };
const SYSTEM = ["kube-system", "kube-public", "kube-node-lease", "velero"];
const SYNC_DELAY = 250;

let source: KubeHost;
let target: KubeHost;
let src: Clients;
let dst: Clients;

interface VeleroObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    startTimestamp?: string;
    completionTimestamp?: string;
    progress?: { totalItems?: number; itemsBackedUp?: number; itemsRestored?: number };
  };
}

async function create(c: Clients, plural: "backups" | "restores", name: string, spec: object): Promise<void> {
  await c.custom.createNamespacedCustomObject({
    group: "velero.io",
    version: "v1",
    namespace: "velero",
    plural,
    body: {
      apiVersion: "velero.io/v1",
      kind: plural === "backups" ? "Backup" : "Restore",
      metadata: { name },
      spec,
    },
  });
}

async function read(c: Clients, plural: "backups" | "restores", name: string): Promise<VeleroObject> {
  return (await c.custom.getNamespacedCustomObject({
    group: "velero.io",
    version: "v1",
    namespace: "velero",
    plural,
    name,
  })) as VeleroObject;
}

async function terminal(c: Clients, plural: "backups" | "restores", name: string): Promise<VeleroObject> {
  return waitFor(async () => {
    const o = await read(c, plural, name);
    return ["Completed", "PartiallyFailed", "Failed", "FailedValidation"].includes(o.status?.phase ?? "")
      ? o
      : undefined;
  });
}

function cron(ns: string, name: string, labels: Record<string, string>, suspend: boolean): KubeObject {
  const cj = cronJob(name, ns, "0 3 * * *", { labels, suspend });
  return { ...cj, status: { lastScheduleTime: "2026-01-01T03:00:00Z" } };
}

beforeAll(async () => {
  const store = createVeleroStore();
  const velero = { store, syncDelayMs: SYNC_DELAY, backupDurationMs: 60, restoreDurationMs: 60 };
  source = await startKubeHost({ name: "production-20251101", velero, loadBalancers: { delayMs: 20 } });
  target = await startKubeHost({ name: "production-20261125", velero, loadBalancers: { delayMs: 20 } });
  src = clientsFor(source);
  dst = clientsFor(target);
  for (const ns of ["shop", "billing"]) {
    source.objects.put(deployment("web", ns));
    source.objects.put({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings", namespace: ns },
      data: { k: ns },
    });
  }
  source.objects.put(cron("billing", "invoice", FORBIDDEN, false));
  source.objects.put(cron("billing", "report", {}, false));
  source.objects.put({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" },
    spec: { type: "LoadBalancer", selector: { app: "ingress" }, ports: [{ name: "http", port: 80 }] },
    status: { loadBalancer: { ingress: [{ hostname: "old-lb.us-east-1.elb.amazonaws.com" }] } },
  });
});

afterAll(async () => {
  await Promise.all([source.close(), target.close()]);
});

describe("Velero simulation across two hosts", () => {
  it("installs Velero: CRDs in discovery and an Available default BackupStorageLocation", async () => {
    const bsl = (await src.custom.getNamespacedCustomObject({
      group: "velero.io",
      version: "v1",
      namespace: "velero",
      plural: "backupstoragelocations",
      name: "default",
    })) as VeleroObject;
    expect(bsl.status?.phase).toBe("Available");
    const plain = await startKubeHost({ name: "no-velero-20260101" });
    try {
      const groups = (await (await fetch(`${plain.url}/apis`)).json()) as { groups: Array<{ name: string }> };
      expect(groups.groups.map((g) => g.name)).not.toContain("velero.io");
    } finally {
      await plain.close();
    }
  });

  it("backs up New → InProgress → Completed with progress and timestamps, then syncs to the other host after the delay", async () => {
    await create(src, "backups", "b1", {
      excludedNamespaces: SYSTEM,
      excludedResources: ["jobs.batch"],
      ttl: "720h0m0s",
    });
    const seen = new Set<string>();
    const done = await waitFor(
      async () => {
        const o = await read(src, "backups", "b1");
        seen.add(o.status?.phase ?? "");
        return o.status?.phase === "Completed" ? o : undefined;
      },
      5000,
      3,
    );
    expect(seen).toContain("InProgress");
    expect(done.status?.progress?.itemsBackedUp).toBe(done.status?.progress?.totalItems);
    expect(done.status?.progress?.totalItems).toBeGreaterThanOrEqual(10);
    expect(done.status?.startTimestamp).toBeTruthy();
    expect(done.status?.completionTimestamp).toBeTruthy();
    const uploadedAt = source.velero?.store.get("b1")?.uploadedAt ?? 0;
    const items = source.velero?.store.get("b1")?.items ?? [];
    expect(items.some((i) => i.namespace === "kube-system")).toBe(false);
    expect(items.find((i) => i.kind === "CronJob" && i.name === "invoice")?.object.status).toBeTruthy();
    // Not on the target before the sync delay...
    const early = await dst.custom.listNamespacedCustomObject({
      group: "velero.io",
      version: "v1",
      namespace: "velero",
      plural: "backups",
    });
    if (Date.now() - uploadedAt < SYNC_DELAY - 20)
      expect((early as { items: unknown[] }).items).toHaveLength(0);
    await create(dst, "restores", "too-early", { backupName: "b1" });
    const tooEarly = await terminal(dst, "restores", "too-early");
    expect(tooEarly.status?.phase).toBe("FailedValidation");
    expect(tooEarly.status?.validationErrors?.[0]).toContain('backups.velero.io "b1" not found');
    // ...then it is, Completed, labelled with its location.
    const synced = await waitFor(async () => {
      try {
        return await read(dst, "backups", "b1");
      } catch {
        return undefined;
      }
    });
    expect(Date.now() - uploadedAt).toBeGreaterThanOrEqual(SYNC_DELAY);
    expect(synced.status?.phase).toBe("Completed");
    expect(synced.metadata?.labels?.["velero.io/storage-location"]).toBe("default");
  });

  it("restores tolerant resources without status, excluding the forbidden label, with a NEW load-balancer hostname", async () => {
    await waitFor(() => target.objects.get("velero.io/v1", "Backup", "b1", "velero"));
    await create(dst, "restores", "tolerant", {
      backupName: "b1",
      excludedResources: ["jobs.batch"],
      labelSelector: {
        matchExpressions: [{ key: "hikkoshi.dev/duplication", operator: "NotIn", values: ["forbidden"] }],
      },
    });
    const r = await terminal(dst, "restores", "tolerant");
    expect(r.status?.phase).toBe("Completed");
    expect(r.status?.progress?.itemsRestored).toBeGreaterThan(5);
    expect(target.objects.get("batch/v1", "CronJob", "invoice", "billing")).toBeUndefined();
    const report = await dst.batch.readNamespacedCronJob({ name: "report", namespace: "billing" });
    expect(report.status?.lastScheduleTime).toBeUndefined();
    expect(report.metadata?.labels?.["velero.io/restore-name"]).toBe("tolerant");
    expect(await dst.apps.readNamespacedDeployment({ name: "web", namespace: "shop" })).toBeTruthy();
    const svc = await waitFor(async () => {
      const s = await dst.core.readNamespacedService({
        name: "ingress-nginx-controller",
        namespace: "ingress-nginx",
      });
      return s.status?.loadBalancer?.ingress?.[0]?.hostname ? s : undefined;
    });
    const hostname = svc.status?.loadBalancer?.ingress?.[0]?.hostname;
    expect(hostname).not.toBe("old-lb.us-east-1.elb.amazonaws.com");
    expect(hostname).toContain((svc.metadata?.uid ?? "").replace(/-/g, ""));
  });

  it("restores forbidden CronJobs suspended through a resource-modifier ConfigMap", async () => {
    await dst.core.createNamespacedConfigMap({
      namespace: "velero",
      body: {
        metadata: { name: "suspend-forbidden" },
        data: {
          "modifiers.yaml": [
            "version: v1",
            "resourceModifierRules:",
            "- conditions:",
            "    groupResource: cronjobs.batch",
            "    labelSelector:",
            "      matchLabels:",
            "        hikkoshi.dev/duplication: forbidden",
            "  patches:",
            "  - operation: replace",
            "    path: /spec/suspend",
            '    value: "true"',
          ].join("\n"),
        },
      },
    });
    await create(dst, "restores", "forbidden", {
      backupName: "b1",
      includedResources: ["cronjobs.batch"],
      labelSelector: { matchLabels: FORBIDDEN },
      resourceModifier: { kind: "ConfigMap", name: "suspend-forbidden" },
    });
    const r = await terminal(dst, "restores", "forbidden");
    expect(r.status?.phase).toBe("Completed");
    const invoice = await dst.batch.readNamespacedCronJob({ name: "invoice", namespace: "billing" });
    expect(invoice.spec?.suspend).toBe(true);
    expect(invoice.status?.lastScheduleTime).toBeUndefined();
  });

  it("existingResourcePolicy none keeps the suspended copy (warning); update unsuspends it (the trap)", async () => {
    await create(dst, "restores", "again-none", {
      backupName: "b1",
      includedResources: ["cronjobs.batch"],
      labelSelector: { matchLabels: FORBIDDEN },
    });
    const none = await terminal(dst, "restores", "again-none");
    expect(none.status?.phase).toBe("Completed");
    expect(none.status?.warnings).toBe(1);
    expect(
      (await dst.batch.readNamespacedCronJob({ name: "invoice", namespace: "billing" })).spec?.suspend,
    ).toBe(true);
    await create(dst, "restores", "again-update", {
      backupName: "b1",
      includedResources: ["cronjobs.batch"],
      labelSelector: { matchLabels: FORBIDDEN },
      existingResourcePolicy: "update",
    });
    const upd = await terminal(dst, "restores", "again-update");
    expect(upd.status?.phase).toBe("Completed");
    expect(
      (await dst.batch.readNamespacedCronJob({ name: "invoice", namespace: "billing" })).spec?.suspend,
    ).toBe(false);
  });

  it("injects PartiallyFailed and Failed backups, item errors in restores, and an Unavailable BSL", async () => {
    source.velero!.inject = {
      backup: (name) =>
        name === "partial"
          ? { phase: "PartiallyFailed", errors: 2 }
          : name === "broken"
            ? { phase: "Failed", failureReason: "upload failed" }
            : undefined,
    };
    await create(src, "backups", "partial", { includedNamespaces: ["shop"] });
    await create(src, "backups", "broken", { includedNamespaces: ["shop"] });
    const partial = await terminal(src, "backups", "partial");
    expect(partial.status).toMatchObject({ phase: "PartiallyFailed", errors: 2 });
    const broken = await terminal(src, "backups", "broken");
    expect(broken.status).toMatchObject({ phase: "Failed", failureReason: "upload failed" });
    source.velero!.setBslPhase("Unavailable");
    await create(src, "backups", "no-bsl", {});
    const noBsl = await terminal(src, "backups", "no-bsl");
    expect(noBsl.status?.phase).toBe("FailedValidation");
    expect(noBsl.status?.validationErrors?.[0]).toContain("Unavailable");
    source.velero!.setBslPhase("Available");
    target.velero!.inject = {
      restoreItemError: (item) =>
        item.resource === "configmaps" ? "admission webhook denied the request" : undefined,
    };
    await waitFor(() => target.objects.get("velero.io/v1", "Backup", "partial", "velero"));
    await create(dst, "restores", "with-errors", {
      backupName: "partial",
      namespaceMapping: { shop: "shop-copy" },
    });
    const r = await terminal(dst, "restores", "with-errors");
    expect(r.status).toMatchObject({ phase: "PartiallyFailed", errors: 1 });
    expect(target.velero?.restoreResult("with-errors")?.errors[0]).toContain("configmaps/shop/settings");
    expect(target.objects.get("apps/v1", "Deployment", "web", "shop-copy")).toBeTruthy();
    target.velero!.inject = {};
  });
});
