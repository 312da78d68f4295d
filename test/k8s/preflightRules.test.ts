// Each preflight rule fires on data with the hazard and stays silent on data without it.

import { describe, expect, it } from "vitest";
import { parseLabel } from "../../src/k8s/labels.js";
import { accessFindings } from "../../src/k8s/preflight/access.js";
import { clusterNameFindings, hasDate } from "../../src/k8s/preflight/clusterNames.js";
import { crdInfo, missingCrdFindings, UNKNOWN_COUNT } from "../../src/k8s/preflight/crds.js";
import { externalDnsFindings, externalDnsInstances } from "../../src/k8s/preflight/externalDns.js";
import { forbiddenKindFindings } from "../../src/k8s/preflight/forbiddenKinds.js";
import { rerunnableJobs } from "../../src/k8s/preflight/jobs.js";
import { nodePortCollisions } from "../../src/k8s/preflight/nodePorts.js";
import {
  removedApiFindings,
  removedGroupVersions,
  wasWrittenWith,
} from "../../src/k8s/preflight/removedApis.js";
import { statefulWorkloads } from "../../src/k8s/preflight/stateful.js";
import {
  controllerTimeZone,
  dependsOnTimeZone,
  timeZoneFindings,
} from "../../src/k8s/preflight/timeZones.js";
import { unlabelledCronJobs } from "../../src/k8s/preflight/unlabelledCronJobs.js";
import { veleroFindings } from "../../src/k8s/preflight/velero.js";
import { versionFindings } from "../../src/k8s/preflight/versions.js";

const forbidden = parseLabel("hikkoshi.dev/duplication=forbidden");
const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { namespace: "ns", name, ...extra },
});
const codes = (fs: Array<{ code: string }>) => fs.map((f) => f.code);

describe("preflight rules", () => {
  it("permissions", () => {
    expect(accessFindings("c", [])).toEqual([]);
    const f = accessFindings("c", ["patch cronjobs.batch"]);
    expect(f[0]).toMatchObject({
      code: "missing-permissions",
      severity: "blocking",
      subjects: ["patch cronjobs.batch"],
    });
  });

  it("versions: target older blocks, same or newer passes", () => {
    const v = (minor: number) => ({ major: 1, minor, gitVersion: `v1.${minor}.0` });
    expect(codes(versionFindings({ name: "s", version: v(31) }, { name: "t", version: v(30) }))).toEqual([
      "target-version-older",
    ]);
    expect(versionFindings({ name: "s", version: v(31) }, { name: "t", version: v(31) })).toEqual([]);
    expect(versionFindings({ name: "s", version: v(30) }, { name: "t", version: v(32) })).toEqual([]);
  });

  it("removed APIs: blocking for the preferred version, warning for manifests written through it", () => {
    const source = {
      served: new Set(["v1", "policy/v1beta1", "autoscaling/v2", "autoscaling/v2beta2"]),
      preferred: new Map(),
    };
    const target = { served: new Set(["v1", "autoscaling/v2"]), preferred: new Map() };
    expect(removedGroupVersions(source, target)).toEqual(["autoscaling/v2beta2", "policy/v1beta1"]);
    const usages = [
      {
        groupVersion: "policy/v1beta1",
        resource: "podsecuritypolicies",
        preferredOnSource: true,
        objects: ["psp"],
        writtenWith: [],
      },
      {
        groupVersion: "autoscaling/v2beta2",
        resource: "horizontalpodautoscalers",
        preferredOnSource: false,
        objects: ["ns/h"],
        writtenWith: ["ns/h"],
      },
    ];
    expect(codes(removedApiFindings(usages, "t"))).toEqual([
      "api-version-removed",
      "api-version-removed-manifests",
    ]);
    expect(
      removedApiFindings(
        usages.map((u) => ({ ...u, objects: [], writtenWith: [] })),
        "t",
      ),
    ).toEqual([]);
    const applied = JSON.stringify({ apiVersion: "autoscaling/v2beta2" });
    expect(
      wasWrittenWith(
        { metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": applied } } },
        "autoscaling/v2beta2",
      ),
    ).toBe(true);
    expect(
      wasWrittenWith(
        { metadata: { managedFields: [{ apiVersion: "autoscaling/v2" }] } },
        "autoscaling/v2beta2",
      ),
    ).toBe(false);
  });

  it("unlabelled CronJobs: counted and listed; any value of the key counts as labelled", () => {
    const labelled = { ...meta("a", { labels: { "hikkoshi.dev/duplication": "tolerant" } }) };
    const bare = meta("b");
    const f = unlabelledCronJobs([labelled, bare], forbidden);
    expect(f[0]).toMatchObject({ code: "cronjobs-unlabelled", severity: "warning", subjects: ["ns/b"] });
    expect(f[0]!.message).toContain("1 of 2");
    expect(unlabelledCronJobs([labelled], forbidden)).toEqual([]);
  });

  it("stateful workloads unless acknowledged; subjects capped at 20", () => {
    const sts = { ...meta("db"), spec: { volumeClaimTemplates: [{}] } };
    const pvcDeploy = {
      ...meta("wiki"),
      spec: { replicas: 1, template: { spec: { volumes: [{ persistentVolumeClaim: { claimName: "x" } }] } } },
    };
    const scaled = {
      ...meta("web"),
      spec: { replicas: 3, template: { spec: { volumes: [{ persistentVolumeClaim: { claimName: "x" } }] } } },
    };
    expect(statefulWorkloads([sts], [pvcDeploy, scaled], [])[0]).toMatchObject({
      code: "stateful-workload",
      severity: "blocking",
      subjects: ["Deployment ns/wiki", "StatefulSet ns/db"],
    });
    expect(statefulWorkloads([sts], [pvcDeploy], ["ns/db", "ns/wiki"])).toEqual([]);
    const many = Array.from({ length: 25 }, (_, i) => ({
      ...meta(`db${String(i).padStart(2, "0")}`),
      spec: { volumeClaimTemplates: [{}] },
    }));
    const subjects = statefulWorkloads(many, [], [])[0]!.subjects!;
    expect(subjects).toHaveLength(21);
    expect(subjects[20]).toBe("… and 5 more");
  });

  it("forbidden StatefulSets/DaemonSets cannot be handed off", () => {
    expect(codes(forbiddenKindFindings([meta("s")], [], "k=v"))).toEqual(["forbidden-kind-unsupported"]);
    expect(forbiddenKindFindings([], [], "k=v")).toEqual([]);
  });

  it("cluster names need a real date", () => {
    expect(hasDate("production-20261125")).toBe(true);
    expect(hasDate("production-20261332")).toBe(false);
    expect(codes(clusterNameFindings("production", ["production", "production-20261125"]))).toEqual([
      "cluster-name-without-date",
    ]);
    expect(clusterNameFindings("production", ["production-20251101", "production-20261125"])).toEqual([]);
  });

  it("external-dns with the same owner id on overlapping names", () => {
    const edns = (owner: string | undefined, domains: string[], replicas = 1) => ({
      ...meta("external-dns"),
      spec: {
        replicas,
        template: {
          spec: {
            containers: [
              {
                image: "registry.k8s.io/external-dns/external-dns:v0.15.0",
                args: [
                  "--source=ingress",
                  ...(owner ? [`--txt-owner-id=${owner}`] : []),
                  ...domains.map((d) => `--domain-filter=${d}`),
                ],
              },
            ],
          },
        },
      },
    });
    const s = (o: string | undefined, d: string[], r = 1) => externalDnsInstances([edns(o, d, r)]);
    expect(s("prod", ["example.com"])[0]).toMatchObject({
      ownerId: "prod",
      domainFilters: ["example.com"],
      running: true,
    });
    const find = (a: ReturnType<typeof s>, b: ReturnType<typeof s>) =>
      codes(externalDnsFindings({ name: "old", instances: a }, { name: "new", instances: b }));
    expect(find(s("prod", ["example.com"]), s("prod", ["www.example.com"]))).toEqual([
      "external-dns-owner-conflict",
    ]);
    expect(find(s(undefined, []), s(undefined, []))).toEqual(["external-dns-owner-conflict"]);
    expect(find(s("old", ["example.com"]), s("new", ["example.com"]))).toEqual([]);
    expect(find(s("prod", ["example.com"]), s("prod", ["example.org"]))).toEqual([]);
    expect(find(s("prod", ["example.com"]), s("prod", ["example.com"], 0))).toEqual([]);
  });

  it("running or failed standalone Jobs", () => {
    const job = (name: string, status: Record<string, unknown>, owner = false) => ({
      metadata: {
        namespace: "ns",
        name,
        ...(owner ? { ownerReferences: [{ kind: "CronJob", name: "c" }] } : {}),
      },
      status,
    });
    const f = rerunnableJobs([
      job("running", { active: 1 }),
      job("failed", { failed: 1, conditions: [{ type: "Failed", status: "True" }] }),
      job("done", { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] }),
      job("cron-owned", { active: 1 }, true),
    ]);
    expect(f[0]).toMatchObject({
      code: "jobs-would-rerun",
      subjects: ["ns/failed (failed)", "ns/running (running)"],
    });
    expect(rerunnableJobs([job("done", { succeeded: 1 })])).toEqual([]);
  });

  it("CronJobs without a time zone when controller zones may differ", () => {
    expect(dependsOnTimeZone("*/5 * * * *")).toBe(false);
    expect(dependsOnTimeZone("0 3 * * *")).toBe(true);
    expect(dependsOnTimeZone("@daily")).toBe(true);
    expect(dependsOnTimeZone("@hourly")).toBe(false);
    const cj = (name: string, schedule: string, timeZone?: string) => ({
      ...meta(name),
      spec: { schedule, ...(timeZone ? { timeZone } : {}) },
    });
    const list = [
      cj("nightly", "0 3 * * *"),
      cj("frequent", "*/5 * * * *"),
      cj("zoned", "0 3 * * *", "Asia/Tokyo"),
    ];
    expect(timeZoneFindings(list, undefined, undefined)[0]).toMatchObject({
      code: "cronjobs-without-timezone",
      subjects: ["ns/nightly (0 3 * * *)"],
    });
    expect(timeZoneFindings(list, "UTC", "UTC")).toEqual([]);
    expect(codes(timeZoneFindings(list, "UTC", "Asia/Tokyo"))).toEqual(["cronjobs-without-timezone"]);
    const kcm = (tz?: string) => ({
      metadata: { name: "kube-controller-manager-node1", labels: { component: "kube-controller-manager" } },
      spec: { containers: [{ env: tz ? [{ name: "TZ", value: tz }] : [] }] },
    });
    expect(controllerTimeZone([kcm("Europe/Paris")])).toBe("Europe/Paris");
    expect(controllerTimeZone([kcm()])).toBe("UTC");
    expect(controllerTimeZone([])).toBeUndefined();
  });

  it("fixed nodePorts already held on the target", () => {
    const svc = (name: string, nodePort: number, applied?: boolean) => ({
      metadata: {
        namespace: "ns",
        name,
        ...(applied === undefined
          ? {}
          : {
              annotations: {
                "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({
                  spec: { ports: [applied ? { nodePort } : { port: 80 }] },
                }),
              },
            }),
      },
      spec: { type: "NodePort", ports: [{ port: 80, nodePort }] },
    });
    expect(codes(nodePortCollisions([svc("a", 30080, true)], [svc("ingress", 30080)]))).toEqual([
      "nodeport-collision",
    ]);
    // Allocated (not fixed) ports are dropped by Velero on restore: no collision.
    expect(nodePortCollisions([svc("a", 30080, false)], [svc("ingress", 30080)])).toEqual([]);
    // The same Service already restored holds its own port.
    expect(nodePortCollisions([svc("a", 30080, true)], [svc("a", 30080)])).toEqual([]);
  });

  it("CRDs used on the source and missing on the target", () => {
    const crd = (name: string, versions: string[]) => ({
      metadata: { name },
      spec: {
        group: name.split(".").slice(1).join("."),
        names: { plural: name.split(".")[0] },
        scope: "Namespaced",
        versions: versions.map((v, i) => ({ name: v, served: true, storage: i === 0 })),
      },
    });
    const used = [{ crd: crdInfo(crd("certificates.cert-manager.io", ["v1"])), count: 3 }];
    expect(codes(missingCrdFindings(used, [], "t"))).toEqual(["crd-missing-on-target"]);
    expect(missingCrdFindings(used, [crdInfo(crd("certificates.cert-manager.io", ["v1"]))], "t")).toEqual([]);
    expect(
      codes(missingCrdFindings(used, [crdInfo(crd("certificates.cert-manager.io", ["v2"]))], "t")),
    ).toEqual(["crd-missing-on-target"]);
    expect(missingCrdFindings([{ ...used[0]!, count: 0 }], [], "t")).toEqual([]);
    // Objects hikkoshi may not list count as in use: a missing CRD still blocks.
    const unknown = missingCrdFindings([{ ...used[0]!, count: UNKNOWN_COUNT }], [], "t");
    expect(unknown[0]?.subjects).toEqual(["certificates.cert-manager.io (objects not readable by hikkoshi)"]);
  });

  it("Velero on both with an Available storage location", () => {
    const ok = { cluster: "a", installed: true, locations: [{ name: "default", phase: "Available" }] };
    expect(veleroFindings([ok, { ...ok, cluster: "b" }], "velero")).toEqual([]);
    expect(codes(veleroFindings([ok, { cluster: "b", installed: false, locations: [] }], "velero"))).toEqual([
      "velero-missing",
    ]);
    expect(
      codes(
        veleroFindings(
          [ok, { cluster: "b", installed: true, locations: [{ name: "default", phase: "Unavailable" }] }],
          "velero",
        ),
      ),
    ).toEqual(["velero-storage-unavailable"]);
  });
});
