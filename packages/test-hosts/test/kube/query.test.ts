import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeHost, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, cronJob, deployment, failure } from "./helpers.js";

let host: KubeHost;
let c: Clients;

beforeAll(async () => {
  host = await startKubeHost({ name: "query-20260101", workloads: false, cronJobs: false });
  c = clientsFor(host);
  const labels: Array<Record<string, string>> = [
    { tier: "web", env: "prod" },
    { tier: "web", env: "staging" },
    { tier: "db", env: "prod", stateful: "true" },
    { tier: "batch" },
    {},
  ];
  for (const [i, l] of labels.entries()) {
    host.objects.put({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `cm-${i}`, namespace: "q", labels: l },
    });
  }
  for (let i = 0; i < 7; i++)
    host.objects.put({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `page-${i}`, namespace: "p" },
    });
});

afterAll(async () => {
  await host.close();
});

async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
  const list = await c.core.listNamespacedConfigMap({ namespace: "q", labelSelector, fieldSelector });
  return list.items.map((i) => i.metadata?.name ?? "");
}

describe("label and field selectors", () => {
  it.each([
    ["tier=web", ["cm-0", "cm-1"]],
    ["tier==web,env=prod", ["cm-0"]],
    ["tier!=web", ["cm-2", "cm-3", "cm-4"]],
    ["env in (prod, staging)", ["cm-0", "cm-1", "cm-2"]],
    ["tier notin (web,db)", ["cm-3", "cm-4"]],
    ["stateful", ["cm-2"]],
    ["!env", ["cm-3", "cm-4"]],
    ["tier,!stateful", ["cm-0", "cm-1", "cm-3"]],
  ])("labelSelector %s", async (sel, expected) => {
    expect(await names(sel)).toEqual(expected);
  });

  it("selects by metadata.name and metadata.namespace", async () => {
    expect(await names(undefined, "metadata.name=cm-3")).toEqual(["cm-3"]);
    expect(await names("tier=web", "metadata.name!=cm-0")).toEqual(["cm-1"]);
    const across = await c.core.listConfigMapForAllNamespaces({ fieldSelector: "metadata.namespace=p" });
    expect(across.items).toHaveLength(7);
  });

  it("rejects a malformed selector with 400 BadRequest", async () => {
    const bad = await failure(() =>
      c.core.listNamespacedConfigMap({ namespace: "q", labelSelector: "tier in web" }),
    );
    expect(bad.code).toBe(400);
    expect(bad.reason).toBe("BadRequest");
    const field = await failure(() =>
      c.core.listNamespacedConfigMap({ namespace: "q", fieldSelector: "data.x=1" }),
    );
    expect(field).toMatchObject({ code: 400, message: "field label not supported: data.x" });
  });
});

describe("pagination", () => {
  it("pages with limit/continue and an opaque token", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await c.core.listNamespacedConfigMap({ namespace: "p", limit: 3, _continue: token });
      pages++;
      seen.push(...page.items.map((i) => i.metadata?.name ?? ""));
      token = page.metadata?._continue;
      if (token) expect(page.metadata?.remainingItemCount).toBe(7 - seen.length);
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6"]);
  });

  it("refuses a forged continue token", async () => {
    const bad = await failure(() =>
      c.core.listNamespacedConfigMap({ namespace: "p", limit: 2, _continue: "garbage" }),
    );
    expect(bad.code).toBe(400);
  });
});

describe("patch types", () => {
  beforeAll(async () => {
    await c.core.createNamespace({ body: { metadata: { name: "pt" } } });
    const d = deployment("api", "pt");
    d.spec.template.spec.containers = [
      { name: "app", image: "api:1" },
      { name: "sidecar", image: "envoy:1" },
    ];
    await c.apps.createNamespacedDeployment({ namespace: "pt", body: d });
  });

  it("merge patch replaces lists and deletes keys with null", async () => {
    const out = await c.apps.patchNamespacedDeployment(
      {
        name: "api",
        namespace: "pt",
        body: {
          metadata: { labels: { app: "api", gone: null } },
          spec: { template: { spec: { containers: [{ name: "only", image: "x:1" }] } } },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(out.spec?.template.spec?.containers.map((x) => x.name)).toEqual(["only"]);
  });

  it("strategic merge patch merges containers by name", async () => {
    await c.apps.patchNamespacedDeployment(
      {
        name: "api",
        namespace: "pt",
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: "app", image: "api:1" },
                  { name: "sidecar", image: "envoy:1" },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const out = await c.apps.patchNamespacedDeployment(
      {
        name: "api",
        namespace: "pt",
        body: { spec: { template: { spec: { containers: [{ name: "sidecar", image: "envoy:2" }] } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect(out.spec?.template.spec?.containers.map((x) => `${x.name}=${x.image}`)).toEqual([
      "app=api:1",
      "sidecar=envoy:2",
    ]);
  });

  it("JSON patch supports add/replace/remove/test, and a failed test is 422 with nothing changed", async () => {
    const before = await c.apps.readNamespacedDeployment({ name: "api", namespace: "pt" });
    const out = await c.apps.patchNamespacedDeployment(
      {
        name: "api",
        namespace: "pt",
        body: [
          { op: "test", path: "/spec/replicas", value: before.spec?.replicas },
          { op: "replace", path: "/spec/replicas", value: 7 },
          { op: "add", path: "/metadata/annotations", value: { "a/b": "c" } },
          { op: "remove", path: "/metadata/annotations/a~1b" },
        ],
      },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
    expect(out.spec?.replicas).toBe(7);
    expect(out.metadata?.annotations).toEqual({});
    const failed = await failure(() =>
      c.apps.patchNamespacedDeployment(
        {
          name: "api",
          namespace: "pt",
          body: [
            { op: "test", path: "/spec/replicas", value: 1 },
            { op: "replace", path: "/spec/replicas", value: 0 },
          ],
        },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      ),
    );
    expect(failed.code).toBe(422);
    const after = await c.apps.readNamespacedDeployment({ name: "api", namespace: "pt" });
    expect(after.spec?.replicas).toBe(7);
  });

  it("a patch carrying a stale resourceVersion is a 409 Conflict", async () => {
    const cur = await c.apps.readNamespacedDeployment({ name: "api", namespace: "pt" });
    await c.apps.patchNamespacedDeployment(
      { name: "api", namespace: "pt", body: { spec: { replicas: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const err = await failure(() =>
      c.apps.patchNamespacedDeployment(
        {
          name: "api",
          namespace: "pt",
          body: { metadata: { resourceVersion: cur.metadata?.resourceVersion }, spec: { replicas: 1 } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(err).toMatchObject({ code: 409, reason: "Conflict" });
  });

  it("patches the status subresource of a CronJob without touching spec", async () => {
    await c.batch.createNamespacedCronJob({
      namespace: "pt",
      body: cronJob("nightly", "pt", "0 3 * * *", { suspend: true }),
    });
    const out = await c.batch.patchNamespacedCronJobStatus(
      {
        name: "nightly",
        namespace: "pt",
        body: { spec: { suspend: false }, status: { lastScheduleTime: "2026-01-01T03:00:00Z" } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(out.status?.lastScheduleTime?.toISOString()).toBe("2026-01-01T03:00:00.000Z");
    expect(out.spec?.suspend).toBe(true);
  });

  it("patching a missing object is 404 and an unknown patch type is 415", async () => {
    const missing = await failure(() =>
      c.batch.patchNamespacedCronJob(
        { name: "nope", namespace: "pt", body: { spec: { suspend: true } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(missing).toMatchObject({
      code: 404,
      message: 'cronjobs.batch "nope" not found',
      details: { group: "batch", kind: "cronjobs" },
    });
    const res = await fetch(`${host.url}/apis/batch/v1/namespaces/pt/cronjobs/nightly`, {
      method: "PATCH",
      headers: { "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
  });
});

describe("validation", () => {
  it("answers 422 Invalid with causes from the official schema", async () => {
    const body = cronJob("broken", "pt", "0 3 * * *");
    const { jobTemplate: _j, ...specWithoutTemplate } = body.spec;
    const err = await failure(() => c.objects.create({ ...body, spec: specWithoutTemplate }));
    expect(err.code).toBe(422);
    expect(err.reason).toBe("Invalid");
    expect(err.message).toBe('CronJob.batch "broken" is invalid: spec.jobTemplate: Required value');
    expect(err.details).toMatchObject({
      name: "broken",
      group: "batch",
      kind: "CronJob",
      causes: [{ reason: "FieldValueRequired", field: "spec.jobTemplate" }],
    });
  });

  it("checks schedules, names, selectors and enums like the apiserver", async () => {
    const sched = await failure(() =>
      c.batch.createNamespacedCronJob({ namespace: "pt", body: cronJob("bad-sched", "pt", "every minute") }),
    );
    expect(sched.details?.causes?.[0]?.field).toBe("spec.schedule");
    const name = await failure(() =>
      c.core.createNamespacedConfigMap({ namespace: "pt", body: { metadata: { name: "Bad_Name" } } }),
    );
    expect(name.details?.causes?.[0]).toMatchObject({ field: "metadata.name", reason: "FieldValueInvalid" });
    const d = deployment("mismatch", "pt");
    d.spec.template.metadata.labels = { app: "other" };
    const sel = await failure(() => c.apps.createNamespacedDeployment({ namespace: "pt", body: d }));
    expect(sel.details?.causes?.[0]?.field).toBe("spec.template.metadata.labels");
    const policy = await failure(() =>
      c.objects.create({
        ...cronJob("enum", "pt", "* * * * *"),
        spec: { ...cronJob("enum", "pt", "* * * * *").spec, concurrencyPolicy: "Sometimes" },
      }),
    );
    expect(policy.details?.causes?.[0]).toMatchObject({
      field: "spec.concurrencyPolicy",
      reason: "FieldValueNotSupported",
    });
  });
});
