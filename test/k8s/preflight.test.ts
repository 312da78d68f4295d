// Every preflight finding is produced by a fixture that has the hazard, and absent from one that does not.

import { type KubeHost, type KubeObject, kubeconfigFor, startKubeHost } from "@hikkoshi/test-hosts/kube";
import { buildEstate } from "@hikkoshi/test-hosts/kube/estate";
import { VeleroStore } from "@hikkoshi/test-hosts/kube/velero/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubernetesClusters } from "../../src/k8s/kubernetesClusters.js";
import type { Finding } from "../../src/migration/types.js";
import { envContext, fastPoll } from "./support.js";

const CLEAN = { source: "production-20251101", target: "production-20261125" };
const HAZARD = { source: "production", target: "production-next" };

function kcmPod(tz: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: "kube-system",
      name: "kube-controller-manager-cp1",
      labels: { component: "kube-controller-manager" },
    },
    spec: {
      containers: [
        {
          name: "kube-controller-manager",
          image: "registry.k8s.io/kube-controller-manager:v1.32.3",
          env: [{ name: "TZ", value: tz }],
        },
      ],
    },
  };
}

function crd(group: string, plural: string, kind: string): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  } as KubeObject;
}

const codes = (fs: Finding[]) => [...new Set(fs.map((f) => f.code))].sort();

describe("preflight against test hosts", () => {
  const hosts: KubeHost[] = [];
  let clean: Finding[];
  let hazard: Finding[];
  let hazardHosts: { source: KubeHost; target: KubeHost };

  beforeAll(async () => {
    const start = async (name: string, extra: Parameters<typeof startKubeHost>[0] = { name }) => {
      const h = await startKubeHost({ cronJobs: false, ...extra, name });
      hosts.push(h);
      return h;
    };
    // Clean: dated names, same version, Velero Available on both, controller time zones known and equal.
    const bucket = new VeleroStore();
    const cs = await start(CLEAN.source, { name: CLEAN.source, velero: { store: bucket } });
    const ct = await start(CLEAN.target, { name: CLEAN.target, velero: { store: bucket } });
    buildEstate(cs.objects, { namespaces: 3, cronJobs: 30 });
    for (const h of [cs, ct]) h.objects.put(kcmPod("Etc/UTC"));
    cs.objects.put(crd("acme.io", "widgets", "Widget"));
    ct.objects.put(crd("acme.io", "widgets", "Widget"));
    cs.objects.put({
      apiVersion: "acme.io/v1",
      kind: "Widget",
      metadata: { namespace: "billing", name: "w1" },
    });
    const edns = { ownerId: CLEAN.source, domainFilter: "example.com" };
    buildEstate(cs.objects, { namespaces: 1, cronJobs: 0, hazards: { externalDns: edns } });
    buildEstate(ct.objects, {
      namespaces: 1,
      cronJobs: 0,
      hazards: { externalDns: { ...edns, ownerId: CLEAN.target } },
    });

    // Hazards: every one of them.
    const hs = await start(HAZARD.source, {
      name: HAZARD.source,
      apiVersions: { enable: ["policy/v1beta1", "batch/v1beta1"] },
      velero: { store: new VeleroStore(), bslPhase: "Unavailable" },
    });
    const ht = await start(HAZARD.target, {
      name: HAZARD.target,
      version: { major: "1", minor: "31", patch: 4 },
      authz: { deny: [{ verb: "patch", group: "batch", resource: "cronjobs" }] },
    });
    buildEstate(hs.objects, {
      namespaces: 2,
      cronJobs: 10,
      hazards: {
        unlabelledCronJobs: 3,
        statefulDatabase: true,
        pvcDeployment: true,
        forbiddenStatefulSet: true,
        timeOfDayCronJobs: 2,
        legacyCronJobs: 2,
        podSecurityPolicy: true,
        externalDns: { ownerId: "shared", domainFilter: "example.com" },
        fixedNodePort: 30080,
        orphanJob: true,
      },
    });
    buildEstate(ht.objects, {
      namespaces: 1,
      cronJobs: 0,
      hazards: { externalDns: { ownerId: "shared", domainFilter: "www.example.com" } },
    });
    ht.objects.put({
      apiVersion: "v1",
      kind: "Service",
      metadata: { namespace: "ingress-nginx", name: "preinstalled" },
      spec: { type: "NodePort", selector: { app: "x" }, ports: [{ port: 80, nodePort: 30080 }] },
    });
    hs.objects.put(crd("acme.io", "widgets", "Widget"));
    hs.objects.put({
      apiVersion: "acme.io/v1",
      kind: "Widget",
      metadata: { namespace: "billing", name: "w1" },
    });
    hazardHosts = { source: hs, target: ht };

    const port = createKubernetesClusters({
      kubeconfig: kubeconfigFor(hosts),
      poll: fastPoll,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    [clean, hazard] = await Promise.all([
      port.preflight(envContext("", CLEAN)),
      port.preflight(envContext("", HAZARD)),
    ]);
  });
  afterAll(async () => Promise.all(hosts.map((h) => h.close())));

  it("finds nothing on a clean pair of clusters", () => {
    expect(clean).toEqual([]);
  });

  it("finds every hazard, blocking ones first, with fixes and capped subjects", () => {
    expect(codes(hazard)).toEqual([
      "api-version-removed",
      "api-version-removed-manifests",
      "cluster-name-without-date",
      "crd-missing-on-target",
      "cronjobs-unlabelled",
      "cronjobs-without-timezone",
      "external-dns-owner-conflict",
      "forbidden-kind-unsupported",
      "jobs-would-rerun",
      "missing-permissions",
      "nodeport-collision",
      "stateful-workload",
      "target-version-older",
      "velero-missing",
      "velero-storage-unavailable",
    ]);
    const firstWarning = hazard.findIndex((f) => f.severity === "warning");
    expect(hazard.slice(firstWarning).every((f) => f.severity === "warning")).toBe(true);
    for (const f of hazard) {
      expect(f.fix, f.code).toBeTruthy();
      expect((f.subjects ?? []).length, f.code).toBeLessThanOrEqual(21);
    }
  });

  it("says precisely what it found", () => {
    const by = (code: string) => hazard.find((f) => f.code === code)!;
    // The deny rule names no subresource, so it covers cronjobs/status too.
    expect(by("missing-permissions").subjects).toEqual([
      "patch cronjobs.batch",
      "patch cronjobs.batch/status",
    ]);
    expect(by("missing-permissions").message).toContain(HAZARD.target);
    expect(by("target-version-older").message).toContain("1.31");
    expect(by("api-version-removed").subjects?.join()).toContain(
      "policy/v1beta1 podsecuritypolicies restricted",
    );
    expect(by("api-version-removed-manifests").subjects?.join()).toContain("batch/v1beta1 cronjobs");
    expect(by("cronjobs-unlabelled").subjects).toHaveLength(3);
    expect(by("stateful-workload").subjects).toEqual([
      "Deployment data/uploads",
      "StatefulSet data/postgres",
    ]);
    expect(by("stateful-workload").severity).toBe("blocking");
    expect(by("cluster-name-without-date").subjects).toEqual(["production", "production-next"]);
    expect(by("external-dns-owner-conflict").severity).toBe("blocking");
    expect(by("jobs-would-rerun").subjects?.[0]).toMatch(/one-off-migration/);
    expect(by("nodeport-collision").subjects?.[0]).toContain("nodePort 30080");
    expect(by("crd-missing-on-target").subjects).toEqual(["widgets.acme.io (1 object(s))"]);
    expect(by("velero-missing").subjects).toEqual([HAZARD.target]);
  });

  it("acknowledged stateful workloads are no longer blocking", async () => {
    const port = createKubernetesClusters({ kubeconfig: kubeconfigFor(hosts), poll: fastPoll });
    const ctx = envContext("acknowledgedStateful: [data/postgres, data/uploads]", HAZARD);
    const findings = await port.preflight(ctx);
    expect(codes(findings)).not.toContain("stateful-workload");
  });

  it("turns a probe that cannot run into a finding naming it, never a silent pass", async () => {
    const port = createKubernetesClusters({
      kubeconfig: kubeconfigFor(hosts),
      poll: fastPoll,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
    });
    hazardHosts.source.faults.failNext(1000, 500, { resource: "jobs.batch", verbs: ["list"] });
    try {
      const findings = await port.preflight(envContext("", HAZARD));
      const failed = findings.filter((f) => f.code === "preflight-probe-failed");
      expect(failed.map((f) => f.subjects)).toEqual([["Jobs"]]);
      expect(failed[0]).toMatchObject({ severity: "warning" });
      expect(failed[0]!.message).toContain("HTTP 500");
      expect(codes(findings)).not.toContain("jobs-would-rerun");
    } finally {
      await hazardHosts.source.faults.clear();
    }
  });

  it("reports an unreachable cluster and nothing else", async () => {
    await hazardHosts.target.faults.down("refuse");
    try {
      const port = createKubernetesClusters({
        kubeconfig: kubeconfigFor(hosts),
        poll: fastPoll,
        retry: { maxAttempts: 2, baseDelayMs: 5 },
        requestTimeoutMs: 2_000,
      });
      const findings = await port.preflight(envContext("", HAZARD));
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        code: "cluster-unreachable",
        severity: "blocking",
        subjects: [HAZARD.target],
      });
      expect(findings[0]!.message).toContain("ECONNREFUSED");
    } finally {
      await hazardHosts.target.faults.up();
    }
  });
});
