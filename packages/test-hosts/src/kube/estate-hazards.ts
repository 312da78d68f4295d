// Optional hazards of the estate builder: what preflight must find before anything changes.

import type { EstateHazards, EstateSummary } from "./estate.js";
import {
  boundClaim,
  cronJobObject,
  deploymentObject,
  podTemplate,
  readyStatus,
  statefulSetObject,
  statefulSetWithVolume,
} from "./estate-objects.js";
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
    put(boundClaim("data", "pgdata-postgres-0", "50Gi"));
  }
  if (h.pvcDeployment) {
    put(boundClaim("data", "uploads", "10Gi"));
    const tmpl = podTemplate("uploads", "ghcr.io/acme/uploads:1.0.0");
    const volumes = [{ name: "data", persistentVolumeClaim: { claimName: "uploads" } }];
    put(deploymentObject("data", "uploads", 1, { ...tmpl, spec: { ...(tmpl.spec ?? {}), volumes } }));
  }
  if (h.forbiddenStatefulSet) {
    put(statefulSetObject(ns, "leader", "ghcr.io/acme/leader:1.0.0", { [fKey]: fValue }));
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
    const image = "registry.k8s.io/external-dns/external-dns:v0.15.0";
    const args = [
      "--source=service",
      "--provider=aws",
      `--domain-filter=${h.externalDns.domainFilter}`,
      `--txt-owner-id=${h.externalDns.ownerId}`,
    ];
    const tmpl = podTemplate("external-dns", image);
    const template = { ...tmpl, spec: { containers: [{ name: "external-dns", image, args }] } };
    put({ ...deploymentObject("external-dns", "external-dns", 1, template), status: readyStatus(1) });
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
