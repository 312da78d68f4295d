// A deterministic, realistic estate for a host: namespaces of Deployments, Services, ConfigMaps and
// hundreds of CronJobs (some duplication-forbidden), the ingress LoadBalancer Service, and optional hazards.

import { addHazards } from "./estate-hazards.js";
import { cronJobObject, deploymentObject, podTemplate, readyStatus } from "./estate-objects.js";
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
        ...deploymentObject(ns, app, replicas, podTemplate(app, pick(IMAGES)), { team: ns }),
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
