import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeHost, startKubeHost } from "../../src/kube/index.js";
import { type Clients, clientsFor, failure } from "./helpers.js";

let host: KubeHost;
let c: Clients;

beforeAll(async () => {
  host = await startKubeHost({ name: "faults-20260101", workloads: false, cronJobs: false });
  c = clientsFor(host);
});

afterAll(async () => {
  await host.close();
});

describe("fault injection", () => {
  it("throttles the next N matching requests with 429 and Retry-After", async () => {
    await host.faults.clear();
    host.faults.throttle(2, 3, { verbs: ["list"] });
    const a = await failure(() => c.core.listNamespace());
    expect(a.code).toBe(429);
    expect(a.reason).toBe("TooManyRequests");
    expect(a.headers["retry-after"]).toBe("3");
    expect(a.details?.retryAfterSeconds).toBe(3);
    await c.core.readNamespace({ name: "default" });
    expect((await failure(() => c.core.listNamespace())).code).toBe(429);
    const ok = await c.core.listNamespace();
    expect(ok.items.length).toBeGreaterThan(0);
  });

  it("injects 500 InternalError at a seeded, reproducible rate", async () => {
    const run = async (): Promise<boolean[]> => {
      host.faults.set({ errorRate: 0.5, seed: 42, filter: { resource: "namespaces" } });
      const out: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        try {
          await c.core.readNamespace({ name: "default" });
          out.push(true);
        } catch {
          out.push(false);
        }
      }
      return out;
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    expect(first.filter((x) => !x).length).toBeGreaterThan(0);
    expect(first.filter((x) => x).length).toBeGreaterThan(0);
    host.faults.set({ errorRate: 1 });
    const err = await failure(() => c.core.readNamespace({ name: "default" }));
    expect(err).toMatchObject({ code: 500, reason: "InternalError" });
    await host.faults.clear();
  });

  it("scripts arbitrary Status codes for one resource", async () => {
    host.faults.failNext(1, 409, { resource: "configmaps", verbs: ["create"] }, "injected conflict");
    const err = await failure(() =>
      c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } }),
    );
    expect(err).toMatchObject({ code: 409, reason: "Conflict", message: "injected conflict" });
    await c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } });
  });

  it("adds latency", async () => {
    host.faults.set({ latencyMs: 120 });
    const t0 = Date.now();
    await c.core.readNamespace({ name: "default" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    await host.faults.clear();
  });

  it("goes down (connection refused / reset) and comes back on the same URL", async () => {
    await host.faults.down("refuse");
    // client-node 2.x (undici fetch) says "fetch failed"; the refusal is in the error's cause.
    const refused = await c.core.readNamespace({ name: "default" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error).cause)).toMatch(/ECONNREFUSED|connect/i);
    await host.faults.up();
    await c.core.readNamespace({ name: "default" });
    await host.faults.down("reset");
    await expect(c.core.readNamespace({ name: "default" })).rejects.toThrow();
    await host.faults.clear();
    const ns = await c.core.readNamespace({ name: "default" });
    expect(ns.metadata?.name).toBe("default");
  });

  it("counts requests by verb", async () => {
    host.stats.reset();
    await c.core.listNamespace();
    await c.core.readNamespace({ name: "default" });
    await c.core.readNamespace({ name: "default" });
    expect(host.stats.total).toBe(3);
    expect(host.stats.byVerb).toEqual({ list: 1, get: 2 });
    expect(host.stats.byResource["/namespaces"]).toBe(3);
  });

  it("answers SelfSubjectAccessReview per deny rules, and can enforce them", async () => {
    host.authz.deny.push({ verb: "patch", group: "batch", resource: "cronjobs", namespace: "locked" });
    const { AuthorizationV1Api } = await import("@kubernetes/client-node");
    const authz = c.kc.makeApiClient(AuthorizationV1Api);
    const review = (namespace: string) =>
      authz.createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { verb: "patch", group: "batch", resource: "cronjobs", namespace } },
        },
      });
    expect((await review("locked")).status?.allowed).toBe(false);
    expect((await review("open")).status?.allowed).toBe(true);
    host.authz.enforce = true;
    await c.core.createNamespace({ body: { metadata: { name: "locked" } } });
    const err = await failure(() =>
      c.batch.patchNamespacedCronJob({ name: "x", namespace: "locked", body: {} }),
    );
    expect(err.code).toBe(403);
    expect(err.reason).toBe("Forbidden");
    host.authz.enforce = false;
    host.authz.deny.length = 0;
  });
});
