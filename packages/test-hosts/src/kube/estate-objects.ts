// Object templates of the estate builder.

import type { JsonObject, KubeObject } from "./types.js";

export function podTemplate(app: string, image: string, restartPolicy?: string): KubeObject {
  return {
    metadata: { labels: { app } },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [{ name: "main", image, resources: { requests: { cpu: "50m", memory: "64Mi" } } }],
    },
  };
}

/** A Deployment of `replicas` pods of `template`, selected by its `app` label; `labels` add to that. */
export function deploymentObject(
  namespace: string,
  name: string,
  replicas: number,
  template: KubeObject,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name, ...labels } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template },
  };
}

/** A one-replica StatefulSet of `image`, selected by its `app` label; `labels` add to that. */
export function statefulSetObject(
  namespace: string,
  name: string,
  image: string,
  labels: Record<string, string> = {},
  extraSpec: JsonObject = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace, labels: { app: name, ...labels } },
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, image),
      ...extraSpec,
    },
  };
}

/**
 * A one-replica StatefulSet whose pod keeps its state on a volume (a volumeClaimTemplate): the workload
 * that tolerates neither running twice nor losing its data, which preflight must stop for.
 */
export function statefulSetWithVolume(
  namespace: string,
  name: string,
  image: string,
  claim: { name: string; storage: string },
): KubeObject {
  const volumeClaimTemplates = [{ metadata: { name: claim.name }, spec: claimSpec(claim.storage) }];
  return statefulSetObject(namespace, name, image, {}, { volumeClaimTemplates });
}

/** What a ReadWriteOnce claim of `storage` asks for. */
function claimSpec(storage: string): JsonObject {
  return { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } };
}

/** A PersistentVolumeClaim of `storage`, already Bound as a running cluster's are. */
export function boundClaim(namespace: string, name: string, storage: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace },
    spec: claimSpec(storage),
    status: { phase: "Bound" },
  };
}

export function readyStatus(replicas: number): KubeObject {
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

export function cronJobObject(
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
