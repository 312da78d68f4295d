import { PatchStrategy, setHeaderOptions, type V1ConfigMap } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeHost, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, deployment, failure, getJson } from "./helpers.js";

let host: KubeHost;
let c: Clients;

beforeAll(async () => {
  host = await startKubeHost({ name: "crud-20260101", workloads: false, cronJobs: false });
  c = clientsFor(host);
  await c.core.createNamespace({ body: { metadata: { name: "shop" } } });
});

afterAll(async () => {
  await host.close();
});

describe("discovery", () => {
  it("serves /version, /api, /apis and resource lists", async () => {
    const version = await getJson(`${host.url}/version`);
    expect(version).toMatchObject({ major: "1", minor: "32", gitVersion: "v1.32.3" });
    const groups = await getJson(`${host.url}/apis`);
    expect(groups.kind).toBe("APIGroupList");
    const names = groups.groups.map((g) => g.name);
    expect(names).toContain("apps");
    expect(names).not.toContain("velero.io");
    const batch = await getJson(`${host.url}/apis/batch/v1`);
    expect(batch.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(["cronjobs", "cronjobs/status", "jobs"]),
    );
    const beta = await fetch(`${host.url}/apis/batch/v1beta1`);
    expect(beta.status).toBe(404);
  });

  it("serves legacy group/versions only where enabled", async () => {
    const old = await startKubeHost({
      name: "old-20200101",
      apiVersions: { enable: ["batch/v1beta1", "policy/v1beta1"] },
      workloads: false,
      cronJobs: false,
    });
    try {
      const beta = await getJson(`${old.url}/apis/batch/v1beta1`);
      expect(beta.resources.map((r) => r.name)).toContain("cronjobs");
      const policy = await getJson(`${old.url}/apis/policy`);
      expect(policy.versions.map((v) => v.version)).toEqual(["v1", "v1beta1"]);
      expect(policy.preferredVersion.version).toBe("v1");
    } finally {
      await old.close();
    }
  });
});

describe("CRUD through @kubernetes/client-node", () => {
  it("creates, reads, updates and deletes a ConfigMap with server-set metadata", async () => {
    const created = await c.core.createNamespacedConfigMap({
      namespace: "shop",
      body: { metadata: { name: "settings", labels: { tier: "web" } }, data: { a: "1" } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await c.core.readNamespacedConfigMap({ name: "settings", namespace: "shop" });
    expect(read.data).toEqual({ a: "1" });
    read.data = { a: "2" };
    const updated = await c.core.replaceNamespacedConfigMap({
      name: "settings",
      namespace: "shop",
      body: read,
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    await c.core.deleteNamespacedConfigMap({ name: "settings", namespace: "shop" });
    const gone = await failure(() => c.core.readNamespacedConfigMap({ name: "settings", namespace: "shop" }));
    expect(gone).toMatchObject({
      code: 404,
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      message: 'configmaps "settings" not found',
      details: { name: "settings", kind: "configmaps" },
    });
  });

  it("answers 409 Conflict to a stale resourceVersion and 409 AlreadyExists to a duplicate", async () => {
    const cm: V1ConfigMap = { metadata: { name: "race" }, data: { v: "0" } };
    const first = await c.core.createNamespacedConfigMap({ namespace: "shop", body: cm });
    const dup = await failure(() => c.core.createNamespacedConfigMap({ namespace: "shop", body: cm }));
    expect(dup).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
      message: 'configmaps "race" already exists',
    });
    await c.core.replaceNamespacedConfigMap({
      name: "race",
      namespace: "shop",
      body: { ...first, data: { v: "1" } },
    });
    const stale = await failure(() =>
      c.core.replaceNamespacedConfigMap({
        name: "race",
        namespace: "shop",
        body: { ...first, data: { v: "2" } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe("Conflict");
    expect(stale.message).toBe(
      'Operation cannot be fulfilled on configmaps "race": the object has been modified; please apply your changes to the latest version and try again',
    );
    const now = await c.core.readNamespacedConfigMap({ name: "race", namespace: "shop" });
    expect(now.data).toEqual({ v: "1" });
  });

  it("refuses objects in a namespace that does not exist", async () => {
    const err = await failure(() =>
      c.core.createNamespacedConfigMap({ namespace: "nowhere", body: { metadata: { name: "x" } } }),
    );
    expect(err).toMatchObject({ code: 404, reason: "NotFound", message: 'namespaces "nowhere" not found' });
  });

  it("bumps generation on spec changes only, and keeps status out of main-resource updates", async () => {
    const d = await c.apps.createNamespacedDeployment({ namespace: "shop", body: deployment("web", "shop") });
    expect(d.metadata?.generation).toBe(1);
    expect(d.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe("IfNotPresent");
    const labelled = await c.apps.patchNamespacedDeployment(
      { name: "web", namespace: "shop", body: { metadata: { labels: { extra: "yes" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await c.apps.patchNamespacedDeployment(
      { name: "web", namespace: "shop", body: { spec: { replicas: 5 }, status: { replicas: 99 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(scaled.metadata?.generation).toBe(2);
    expect(scaled.status?.replicas).toBeUndefined();
    const status = await c.apps.replaceNamespacedDeploymentStatus({
      name: "web",
      namespace: "shop",
      body: {
        ...scaled,
        spec: { ...scaled.spec!, replicas: 1 },
        status: { replicas: 5, observedGeneration: 2 },
      },
    });
    expect(status.status?.replicas).toBe(5);
    expect(status.spec?.replicas).toBe(5);
  });

  it("serves the scale subresource", async () => {
    await c.apps.createNamespacedDeployment({ namespace: "shop", body: deployment("scaled", "shop", {}, 3) });
    const scale = await c.apps.readNamespacedDeploymentScale({ name: "scaled", namespace: "shop" });
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status?.selector).toBe("app=scaled");
    await c.apps.replaceNamespacedDeploymentScale({
      name: "scaled",
      namespace: "shop",
      body: { ...scale, spec: { replicas: 0 } },
    });
    const after = await c.apps.readNamespacedDeployment({ name: "scaled", namespace: "shop" });
    expect(after.spec?.replicas).toBe(0);
    const patched = await c.apps.patchNamespacedDeploymentScale(
      { name: "scaled", namespace: "shop", body: { spec: { replicas: 4 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);
  });

  it("lists cluster-scoped and across namespaces", async () => {
    const nss = await c.core.listNamespace();
    expect(nss.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(["default", "kube-system", "shop"]),
    );
    const all = await c.apps.listDeploymentForAllNamespaces();
    expect(all.items.length).toBeGreaterThanOrEqual(2);
  });

  it("works through KubernetesObjectApi (discovery-driven)", async () => {
    await c.objects.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "shop" },
      stringData: { t: "x" },
    });
    const read = await c.objects.read({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "shop" },
    });
    expect(read.metadata?.uid).toBeTruthy();
    const list = await c.objects.list("v1", "Secret", "shop");
    expect(list.items.map((s) => s.metadata?.name)).toContain("token");
    await c.objects.delete({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "shop" },
    });
    expect(host.objects.get("v1", "Secret", "token", "shop")).toBeUndefined();
  });
});
