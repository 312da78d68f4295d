// The plain-JSON merge patch the handoff writes with (ClusterClient.rawMergePatch): it answers the object
// as written, on the wire, and the apiserver's refusals arrive as the same errors the typed APIs raise
// (status code and Status body), so the request policy and the handoff read them alike.

import { type KubeHost, kubeconfigFor, startKubeHost } from "@hikkoshi/test-hosts/kube";
import { afterEach, describe, expect, it } from "vitest";
import { type ClusterClient, ClusterRegistry } from "../../src/k8s/clusterRegistry.js";
import { isConflict, isNotFound, statusOf } from "../../src/k8s/requestPolicy.js";
import { cronJob, FORBIDDEN } from "./support.js";

let host: KubeHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const path = (name: string, sub = "") => `/apis/batch/v1/namespaces/billing/cronjobs/${name}${sub}`;

async function started(): Promise<{ host: KubeHost; client: ClusterClient }> {
  host = await startKubeHost({ name: "production-20251101", cronJobs: false, workloads: false });
  host.objects.put(cronJob("billing", "ledger", { labels: FORBIDDEN }));
  const registry = new ClusterRegistry({ kubeconfig: kubeconfigFor([host]) });
  const client = registry.client(
    { name: "production-20251101", context: "production-20251101" },
    { concurrency: 4, requestsPerSecond: 100 },
  );
  return { host, client };
}

type Written = {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: { suspend: boolean };
  status?: { lastScheduleTime?: string };
};

describe("rawMergePatch", () => {
  it("merges the patch and answers the stored object as wire JSON", async () => {
    const { host: h, client } = await started();
    const written = (await client.rawMergePatch(path("ledger"), {
      metadata: { annotations: { "hikkoshi.dev/handoff-stopped": "m-1 2026-12-02T07:00:00.000Z" } },
      spec: { suspend: true },
    })) as Written;
    expect(written.spec.suspend).toBe(true);
    expect(written.metadata.annotations?.["hikkoshi.dev/handoff-stopped"]).toBe(
      "m-1 2026-12-02T07:00:00.000Z",
    );
    const stored = h.objects.get("batch/v1", "CronJob", "ledger", "billing");
    expect(written.metadata.resourceVersion).toBe(stored?.metadata?.resourceVersion);
    expect(typeof (written as { metadata: { creationTimestamp?: unknown } }).metadata.creationTimestamp).toBe(
      "string",
    );
  });

  it("writes the status subresource at /status", async () => {
    const { client } = await started();
    const written = (await client.rawMergePatch(path("ledger", "/status"), {
      status: { lastScheduleTime: "2026-12-02T07:00:00Z" },
    })) as Written;
    expect(written.status?.lastScheduleTime).toBe("2026-12-02T07:00:00Z");
  });

  it("a stale resourceVersion is a 409 and a missing object a 404, a wrong type a 400, as the typed APIs raise them", async () => {
    const { client } = await started();
    const first = (await client.rawMergePatch(path("ledger"), { spec: { suspend: true } })) as Written;
    await client.rawMergePatch(path("ledger"), { spec: { suspend: false } });
    const stale = await client
      .rawMergePatch(path("ledger"), {
        metadata: { resourceVersion: first.metadata.resourceVersion },
        spec: { suspend: true },
      })
      .catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect((stale as { body?: { reason?: string } }).body?.reason).toBe("Conflict");
    const missing = await client.rawMergePatch(path("payroll"), { spec: { suspend: true } }).catch((e) => e);
    expect(isNotFound(missing)).toBe(true);
    const invalid = await client.rawMergePatch(path("ledger"), { spec: { suspend: "yes" } }).catch((e) => e);
    expect(statusOf(invalid)).toBe(400); // a value the type cannot hold: BadRequest, as the apiserver answers
  });
});
