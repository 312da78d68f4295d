// A deterministic, realistic estate for a host: namespaces of Deployments, Services, ConfigMaps and
// hundreds of CronJobs (some duplication-forbidden), the ingress LoadBalancer Service, and optional hazards.

import { seededRandom } from "./faults.js";
import type { ObjectAccess } from "./fixtures.js";
import type { KubeObject } from "./types.js";

export interface EstateHazards {
  /** CronJobs with no duplication label at all. */
  unlabelledCronJobs?: number;
  /** StatefulSet `data/postgres` with volumeClaimTemplates (tolerates neither duplication nor loss). */
  statefulDatabase?: boolean;
  /** Single-replica Deployment `data/uploads` mounting a PVC. */
  pvcDeployment?: boolean;
  /** StatefulSet carrying the forbidden label (the handoff cannot move it). */
  forbiddenStatefulSet?: boolean;
  /** CronJobs with a time-of-day schedule and no spec.timeZone. */
  timeOfDayCronJobs?: number;
  /** CronJobs written through batch/v1beta1 (managedFields name it). */
  legacyCronJobs?: number;
  /** A PodSecurityPolicy (policy/v1beta1); the host must serve that version. */
  podSecurityPolicy?: boolean;
  /** external-dns Deployment with this --txt-owner-id and domain filter. */
  externalDns?: { ownerId: string; domainFilter: string };
  /** A NodePort Service with a fixed nodePort. */
  fixedNodePort?: number;
  /** A running Job not owned by a CronJob. */
  orphanJob?: boolean;
}

export interface EstateOptions {
  seed?: number;
  namespaces?: number;
  deploymentsPerNamespace?: number;
  configMapsPerNamespace?: number;
  cronJobs?: number;
  /** Every n-th CronJob is duplication-forbidden. Default 4. */
  forbiddenEvery?: number;
  /** `key=value`. Default `hikkoshi.dev/duplication=forbidden`. */
  forbiddenLabel?: string;
  /** Value of the same key on tolerant CronJobs. Default `tolerated`. */
  tolerantValue?: string;
  /** Hostname in the ingress Service status; omit to let the load-balancer controller assign one. */
  ingressHostname?: string;
  /** Write Deployments with a ready status already (no wait). Default true. */
  ready?: boolean;
  /** status.lastScheduleTime for unsuspended CronJobs. */
  lastScheduleTime?: string;
  hazards?: EstateHazards;
}

export interface EstateSummary {
  namespaces: string[];
  deployments: string[];
  services: string[];
  configMaps: number;
  /** `namespace/name` of every CronJob. */
  cronJobs: string[];
  forbiddenCronJobs: string[];
  objects: number;
}

const TEAMS = [
  "billing",
  "catalog",
  "checkout",
  "search",
  "accounts",
  "shipping",
  "reviews",
  "media",
  "ads",
  "mail",
  "fraud",
  "ledger",
];
const IMAGES = [
  "nginx:1.27",
  "ghcr.io/acme/api:2.14.1",
  "ghcr.io/acme/worker:2.14.1",
  "redis:7.4",
  "ghcr.io/acme/web:5.2.0",
];
const SCHEDULES = [
  "*/5 * * * *",
  "*/15 * * * *",
  "0 * * * *",
  "30 2 * * *",
  "0 4 * * 1",
  "*/10 * * * *",
  "0 */6 * * *",
];

function podTemplate(app: string, image: string, restartPolicy?: string): KubeObject {
  return {
    metadata: { labels: { app } },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [{ name: "main", image, resources: { requests: { cpu: "50m", memory: "64Mi" } } }],
    },
  };
}

function readyStatus(replicas: number): KubeObject {
  return {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      {
        type: "Available",
        status: "True",
        reason: "MinimumReplicasAvailable",
        message: "Deployment has minimum availability.",
      },
      {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        message: "ReplicaSet has successfully progressed.",
      },
    ],
  };
}

/** Fills `objects` (a host's fixture access) with the estate; same options → same estate. */
export function buildEstate(objects: ObjectAccess, opts: EstateOptions = {}): EstateSummary {
  const rand = seededRandom(opts.seed ?? 7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const [fKey, fValue] = (opts.forbiddenLabel ?? "hikkoshi.dev/duplication=forbidden").split("=") as [
    string,
    string,
  ];
  const summary: EstateSummary = {
    namespaces: [],
    deployments: [],
    services: [],
    configMaps: 0,
    cronJobs: [],
    forbiddenCronJobs: [],
    objects: 0,
  };
  const put = (o: KubeObject) => {
    objects.put(o);
    summary.objects++;
  };
  const nsCount = opts.namespaces ?? 8;
  for (let n = 0; n < nsCount; n++) {
    const ns = n < TEAMS.length ? TEAMS[n]! : `team-${n}`;
    summary.namespaces.push(ns);
    put({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { team: ns, env: "production" } },
    });
    for (let d = 0; d < (opts.deploymentsPerNamespace ?? 4); d++) {
      const app = `${ns}-${["api", "worker", "web", "cache", "consumer", "gateway"][d % 6]}${d >= 6 ? `-${d}` : ""}`;
      const replicas = 1 + Math.floor(rand() * 4);
      put({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: app, namespace: ns, labels: { app, team: ns } },
        spec: { replicas, selector: { matchLabels: { app } }, template: podTemplate(app, pick(IMAGES)) },
        ...(opts.ready !== false ? { status: readyStatus(replicas) } : {}),
      });
      put({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app, namespace: ns, labels: { app } },
        spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
      });
      summary.deployments.push(`${ns}/${app}`);
      summary.services.push(`${ns}/${app}`);
    }
    for (let c = 0; c < (opts.configMapsPerNamespace ?? 3); c++) {
      put({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${ns}-config-${c}`, namespace: ns },
        data: { LOG_LEVEL: pick(["info", "debug", "warn"]), REGION: "us-east-1" },
      });
      summary.configMaps++;
    }
  }
  put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ingress-nginx" } });
  put({
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "ingress-nginx-controller",
      namespace: "ingress-nginx",
      labels: { "app.kubernetes.io/name": "ingress-nginx" },
    },
    spec: {
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/name": "ingress-nginx" },
      ports: [
        { name: "http", port: 80 },
        { name: "https", port: 443 },
      ],
    },
    ...(opts.ingressHostname
      ? { status: { loadBalancer: { ingress: [{ hostname: opts.ingressHostname }] } } }
      : {}),
  });
  summary.services.push("ingress-nginx/ingress-nginx-controller");
  const cronCount = opts.cronJobs ?? 200;
  const every = opts.forbiddenEvery ?? 4;
  for (let i = 0; i < cronCount; i++) {
    const ns = summary.namespaces[i % summary.namespaces.length] ?? "default";
    const name = `${ns}-job-${String(i).padStart(3, "0")}`;
    const forbidden = every > 0 && i % every === 0;
    put(
      cronJobObject(
        ns,
        name,
        pick(SCHEDULES),
        { [fKey]: forbidden ? fValue : (opts.tolerantValue ?? "tolerated") },
        opts.lastScheduleTime,
      ),
    );
    summary.cronJobs.push(`${ns}/${name}`);
    if (forbidden) summary.forbiddenCronJobs.push(`${ns}/${name}`);
  }
  addHazards(put, summary, opts.hazards ?? {}, fKey, fValue);
  return summary;
}

function cronJobObject(
  ns: string,
  name: string,
  schedule: string,
  labels: Record<string, string>,
  lastScheduleTime?: string,
  extraSpec: KubeObject = {},
  apiVersion = "batch/v1",
): KubeObject {
  return {
    apiVersion,
    kind: "CronJob",
    metadata: { name, namespace: ns, labels },
    spec: {
      schedule,
      concurrencyPolicy: "Forbid",
      ...extraSpec,
      jobTemplate: {
        metadata: { labels: { cronjob: name } },
        spec: { backoffLimit: 2, template: podTemplate(name, "ghcr.io/acme/jobs:1.9.0", "OnFailure") },
      },
    },
    ...(lastScheduleTime ? { status: { lastScheduleTime } } : {}),
  };
}

function addHazards(
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
    put({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "postgres", namespace: "data", labels: { app: "postgres" } },
      spec: {
        replicas: 1,
        serviceName: "postgres",
        selector: { matchLabels: { app: "postgres" } },
        template: podTemplate("postgres", "postgres:16"),
        volumeClaimTemplates: [
          {
            metadata: { name: "pgdata" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
          },
        ],
      },
    });
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
