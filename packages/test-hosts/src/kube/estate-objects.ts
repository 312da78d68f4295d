// Object templates of the estate builder.

import type { KubeObject } from "./types.js";

export function podTemplate(app: string, image: string, restartPolicy?: string): KubeObject {
  return {
    metadata: { labels: { app } },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [{ name: "main", image, resources: { requests: { cpu: "50m", memory: "64Mi" } } }],
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
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, image),
      volumeClaimTemplates: [
        {
          metadata: { name: claim.name },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: claim.storage } } },
        },
      ],
    },
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
