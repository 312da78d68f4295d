import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crdObject } from "../../src/kube/crd.js";
import { type KubeHost, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, cronJob, failure, getJson } from "./helpers.js";

let host: KubeHost;
let c: Clients;

const widgetCrd = crdObject({
  group: "example.com",
  kind: "Widget",
  plural: "widgets",
  shortNames: ["wd"],
  statusSubresource: true,
});
/** Where the Widgets of these tests are, for the custom-objects client. */
const widgets = { group: "example.com", version: "v1", namespace: "w", plural: "widgets" };

beforeAll(async () => {
  host = await startKubeHost({ name: "crd-20260101", workloads: false, cronJobs: false });
  c = clientsFor(host);
  await c.core.createNamespace({ body: { metadata: { name: "w" } } });
});

afterAll(async () => {
  await host.close();
});

describe("custom resources registered at runtime", () => {
  it("a created CRD appears in discovery, is Established, and its kind is CRUD-able", async () => {
    expect((await fetch(`${host.url}/apis/example.com/v1`)).status).toBe(404);
    const crd = await c.objects.create(widgetCrd);
    expect(JSON.stringify(crd)).toContain("Established");
    const groups = await getJson(`${host.url}/apis`);
    expect(groups.groups.map((g) => g.name)).toContain("example.com");
    const list = await getJson(`${host.url}/apis/example.com/v1`);
    expect(list.resources.map((r) => r.name)).toEqual(["widgets", "widgets/status"]);
    const body = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w1", labels: { size: "l" } },
      spec: { color: "red" },
    };
    const created = (await c.custom.createNamespacedCustomObject({
      ...widgets,
      body,
    })) as {
      metadata: { generation: number; resourceVersion: string };
    };
    expect(created.metadata.generation).toBe(1);
    const patched = (await c.custom.patchNamespacedCustomObject(
      {
        ...widgets,
        name: "w1",
        body: { spec: { color: "blue" } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as { metadata: { generation: number }; spec: { color: string } };
    expect(patched.spec.color).toBe("blue");
    expect(patched.metadata.generation).toBe(2);
    const smp = await failure(() =>
      c.custom.patchNamespacedCustomObject(
        {
          ...widgets,
          name: "w1",
          body: { spec: { color: "x" } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp.code).toBe(415);
    const listed = (await c.custom.listNamespacedCustomObject({
      ...widgets,
      labelSelector: "size=l",
    })) as {
      items: Array<{ kind: string; metadata: { name: string } }>;
    };
    expect(listed.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(["Widget/w1"]);
  });

  it("deleting the CRD removes the kind and its objects", async () => {
    await c.objects.delete({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
    });
    expect((await fetch(`${host.url}/apis/example.com/v1/namespaces/w/widgets`)).status).toBe(404);
    await c.objects.create(widgetCrd);
    const listed = (await c.custom.listNamespacedCustomObject({
      ...widgets,
    })) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it("rejects a CRD whose name is not <plural>.<group>", async () => {
    const err = await failure(() =>
      c.objects.create({ ...widgetCrd, metadata: { name: "wrong.example.com" } }),
    );
    expect(err).toMatchObject({ code: 422, reason: "Invalid" });
    expect(err.details?.causes?.[0]?.field).toBe("metadata.name");
  });
});

describe("apiserver details", () => {
  it("dry-run creates and deletes change nothing", async () => {
    await c.core.createNamespacedConfigMap({
      namespace: "w",
      body: { metadata: { name: "dry" } },
      dryRun: "All",
    });
    expect(host.objects.get("v1", "ConfigMap", "dry", "w")).toBeUndefined();
    await c.core.createNamespacedConfigMap({ namespace: "w", body: { metadata: { name: "keep" } } });
    await c.core.deleteNamespacedConfigMap({ name: "keep", namespace: "w", dryRun: "All" });
    expect(host.objects.get("v1", "ConfigMap", "keep", "w")).toBeDefined();
  });

  it("generates names, records managedFields, and refuses unknown CronJob time zones", async () => {
    const cm = await c.core.createNamespacedConfigMap({
      namespace: "w",
      body: { metadata: { generateName: "gen-" } },
      fieldManager: "hikkoshi",
    });
    expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(cm.metadata?.managedFields?.[0]).toMatchObject({
      manager: "hikkoshi",
      operation: "Update",
      apiVersion: "v1",
    });
    const body = cronJob("tz", "w", "0 3 * * *");
    const err = await failure(() =>
      c.batch.createNamespacedCronJob({
        namespace: "w",
        body: { ...body, spec: { ...body.spec, timeZone: "Mars/Olympus" } },
      }),
    );
    expect(err.details?.causes?.[0]).toMatchObject({ field: "spec.timeZone", reason: "FieldValueInvalid" });
    const ok = await c.batch.createNamespacedCronJob({
      namespace: "w",
      body: { ...body, spec: { ...body.spec, timeZone: "Asia/Tokyo" } },
    });
    expect(ok.spec?.timeZone).toBe("Asia/Tokyo");
  });

  it("server-side apply creates then updates, and requires a field manager", async () => {
    const apply = (data: Record<string, string>, fieldManager?: string) =>
      c.core.patchNamespacedConfigMap(
        {
          name: "applied",
          namespace: "w",
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied" }, data },
          fieldManager,
        },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      );
    expect((await failure(() => apply({ a: "1" }))).code).toBe(422);
    await apply({ a: "1" }, "hikkoshi");
    const updated = await apply({ a: "2" }, "hikkoshi");
    expect(updated.data).toEqual({ a: "2" });
  });

  it("deleting a namespace deletes what is in it; deleting a CronJob deletes its Jobs", async () => {
    await c.core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await c.core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "x" } } });
    await c.core.deleteNamespace({ name: "doomed" });
    expect(host.objects.list("v1", "ConfigMap", "doomed")).toEqual([]);
    const cj = await c.batch.createNamespacedCronJob({
      namespace: "w",
      body: cronJob("owner", "w", "0 3 * * *"),
    });
    await c.batch.createNamespacedJob({
      namespace: "w",
      body: {
        metadata: {
          name: "owned",
          ownerReferences: [
            {
              apiVersion: "batch/v1",
              kind: "CronJob",
              name: "owner",
              uid: cj.metadata?.uid ?? "",
              controller: true,
            },
          ],
        },
        spec: {
          template: { spec: { restartPolicy: "Never", containers: [{ name: "a", image: "busybox:1" }] } },
        },
      },
    });
    await c.batch.deleteNamespacedCronJob({ name: "owner", namespace: "w" });
    expect(host.objects.get("batch/v1", "Job", "owned", "w")).toBeUndefined();
  });
});
