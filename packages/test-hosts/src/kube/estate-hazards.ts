// Optional hazards of the estate builder: what preflight must find before anything changes.

import type { EstateHazards, EstateSummary } from "./estate.js";
import { cronJobObject, podTemplate, readyStatus, statefulSetWithVolume } from "./estate-objects.js";
import type { KubeObject } from "./types.js";

export function addHazards(
  put: (o: KubeObject) => void,
  summary: EstateSummary,
  h: EstateHazards,
  fKey: string,
  fValue: string,
): void {
  const ns = summary.namespaces[0] ?? "default";
  for (let i = 0; i < (h.unlabelledCronJobs ?? 0); i++) {
    put(cronJobObject(ns, `unlabelled-${i}`, "*/30 * * * *", {}));
    summary.cronJobs.push(`${ns}/unlabelled-${i}`);
  }
  for (let i = 0; i < (h.timeOfDayCronJobs ?? 0); i++) {
    put(cronJobObject(ns, `nightly-${i}`, `0 ${1 + (i % 5)} * * *`, { [fKey]: "tolerated" }));
    summary.cronJobs.push(`${ns}/nightly-${i}`);
  }
  for (let i = 0; i < (h.legacyCronJobs ?? 0); i++) {
    put(
      cronJobObject(
        ns,
        `legacy-${i}`,
        "*/20 * * * *",
        { [fKey]: "tolerated" },
        undefined,
        {},
        "batch/v1beta1",
      ),
    );
    summary.cronJobs.push(`${ns}/legacy-${i}`);
  }
  if (h.statefulDatabase || h.pvcDeployment)
    put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "data" } });
  if (h.statefulDatabase) {
    put(statefulSetWithVolume("data", "postgres", "postgres:16", { name: "pgdata", storage: "50Gi" }));
    put({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "pgdata-postgres-0", namespace: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
      status: { phase: "Bound" },
    });
  }
  if (h.pvcDeployment) {
    put({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "uploads", namespace: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
      status: { phase: "Bound" },
    });
    const tmpl = podTemplate("uploads", "ghcr.io/acme/uploads:1.0.0");
    put({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "uploads", namespace: "data", labels: { app: "uploads" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "uploads" } },
        template: {
          ...tmpl,
          spec: {
            ...(tmpl.spec ?? {}),
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: "uploads" } }],
          },
        },
      },
    });
  }
  if (h.forbiddenStatefulSet) {
    put({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "leader", namespace: ns, labels: { app: "leader", [fKey]: fValue } },
      spec: {
        replicas: 1,
        serviceName: "leader",
        selector: { matchLabels: { app: "leader" } },
        template: podTemplate("leader", "ghcr.io/acme/leader:1.0.0"),
      },
    });
  }
  if (h.podSecurityPolicy) {
    put({
      apiVersion: "policy/v1beta1",
      kind: "PodSecurityPolicy",
      metadata: { name: "restricted" },
      spec: {
        privileged: false,
        seLinux: { rule: "RunAsAny" },
        runAsUser: { rule: "MustRunAsNonRoot" },
        supplementalGroups: { rule: "RunAsAny" },
        fsGroup: { rule: "RunAsAny" },
        volumes: ["configMap", "secret"],
      },
    });
  }
  if (h.externalDns) {
    put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "external-dns" } });
    const tmpl = podTemplate("external-dns", "registry.k8s.io/external-dns/external-dns:v0.15.0");
    put({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "external-dns", namespace: "external-dns", labels: { app: "external-dns" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "external-dns" } },
        template: {
          ...tmpl,
          spec: {
            containers: [
              {
                name: "external-dns",
                image: "registry.k8s.io/external-dns/external-dns:v0.15.0",
                args: [
                  "--source=service",
                  "--provider=aws",
                  `--domain-filter=${h.externalDns.domainFilter}`,
                  `--txt-owner-id=${h.externalDns.ownerId}`,
                ],
              },
            ],
          },
        },
      },
      status: readyStatus(1),
    });
  }
  if (h.fixedNodePort) {
    put({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "legacy-nodeport", namespace: ns },
      spec: {
        type: "NodePort",
        selector: { app: "legacy" },
        ports: [{ port: 80, nodePort: h.fixedNodePort }],
      },
    });
  }
  if (h.orphanJob) {
    put({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "one-off-migration",
        namespace: ns,
        annotations: { "sandbox.hikkoshi.dev/duration-ms": String(24 * 3_600_000) },
      },
      spec: { template: podTemplate("one-off-migration", "ghcr.io/acme/migrate:1.0.0", "Never") },
    });
  }
}
