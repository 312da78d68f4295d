// The Velero objects hikkoshi creates, as pure functions of the environment config and migration id.
// Names are deterministic, so a retried call finds the object it created before instead of a second one.

import type { EnvironmentConfig } from "../../config/schema.js";
import {
  forbiddenLabelSelector,
  type LabelPair,
  labelValue,
  MIGRATION_LABEL,
  objectName,
  tolerantLabelSelector,
} from "../labels.js";

export const VELERO_GROUP = "velero.io";
export const VELERO_VERSION = "v1";

/**
 * Never restored: Pods, ReplicaSets and ControllerRevisions are recreated by their controllers (and a
 * restored ReplicaSet of a forbidden Deployment would start its pods); Jobs would run again; Endpoints,
 * EndpointSlices and Events belong to the old cluster.
 */
export const RESTORE_EXCLUDED_RESOURCES = [
  "pods",
  "jobs.batch",
  "replicasets.apps",
  "controllerrevisions.apps",
  "endpoints",
  "endpointslices.discovery.k8s.io",
  "events",
  "events.events.k8s.io",
];

/** Forbidden workloads the handoff cannot hold stopped: never restored by the forbidden restore. */
export const FORBIDDEN_UNSUPPORTED = ["statefulsets.apps", "daemonsets.apps"];

export interface VeleroNames {
  tolerantRestore: string;
  forbiddenRestore: string;
  modifierConfigMap: string;
}

export function veleroNames(migrationId: string): VeleroNames {
  return {
    tolerantRestore: objectName(migrationId, "tolerant"),
    forbiddenRestore: objectName(migrationId, "forbidden"),
    modifierConfigMap: objectName(migrationId, "suspend"),
  };
}

function meta(name: string, env: EnvironmentConfig, migrationId: string) {
  return { name, namespace: env.velero.namespace, labels: { [MIGRATION_LABEL]: labelValue(migrationId) } };
}

export function backupObject(name: string, env: EnvironmentConfig, migrationId: string) {
  return {
    apiVersion: `${VELERO_GROUP}/${VELERO_VERSION}`,
    kind: "Backup",
    metadata: meta(name, env, migrationId),
    spec: {
      includedNamespaces: ["*"],
      excludedNamespaces: [...env.excludedNamespaces],
      ttl: env.velero.backupTtl,
      // hikkoshi moves definitions, not data: stateful workloads are refused by preflight.
      snapshotVolumes: false,
    },
  };
}

export function tolerantRestoreObject(
  backupName: string,
  env: EnvironmentConfig,
  migrationId: string,
  forbidden: LabelPair,
  name = veleroNames(migrationId).tolerantRestore,
) {
  return {
    apiVersion: `${VELERO_GROUP}/${VELERO_VERSION}`,
    kind: "Restore",
    metadata: meta(name, env, migrationId),
    spec: {
      backupName,
      includedNamespaces: ["*"],
      excludedNamespaces: [...env.excludedNamespaces],
      excludedResources: [...RESTORE_EXCLUDED_RESOURCES],
      labelSelector: tolerantLabelSelector(forbidden),
      restorePVs: false,
    },
  };
}

/**
 * Restore of the forbidden resources with a resource modifier that writes `suspend: true` on CronJobs and
 * `replicas: 0` on Deployments before Velero creates them. `existingResourcePolicy` stays unset ("none"):
 * `update` over a suspended copy would unsuspend it.
 */
export function forbiddenRestoreObject(
  backupName: string,
  env: EnvironmentConfig,
  migrationId: string,
  forbidden: LabelPair,
  name = veleroNames(migrationId).forbiddenRestore,
) {
  const names = veleroNames(migrationId);
  return {
    apiVersion: `${VELERO_GROUP}/${VELERO_VERSION}`,
    kind: "Restore",
    metadata: meta(name, env, migrationId),
    spec: {
      backupName,
      includedNamespaces: ["*"],
      excludedNamespaces: [...env.excludedNamespaces],
      excludedResources: [...RESTORE_EXCLUDED_RESOURCES, ...FORBIDDEN_UNSUPPORTED],
      labelSelector: forbiddenLabelSelector(forbidden),
      restorePVs: false,
      resourceModifier: { kind: "ConfigMap", name: names.modifierConfigMap },
    },
  };
}

/** Velero resource-modifier rules (format version v1); JSON-patch `value`s are raw JSON text. */
export function modifierRules(): string {
  return [
    "version: v1",
    "resourceModifierRules:",
    "- conditions:",
    "    groupResource: cronjobs.batch",
    '    resourceNameRegex: ".*"',
    "  patches:",
    "  - operation: add",
    "    path: /spec/suspend",
    '    value: "true"',
    "- conditions:",
    "    groupResource: deployments.apps",
    '    resourceNameRegex: ".*"',
    "  patches:",
    "  - operation: add",
    "    path: /spec/replicas",
    '    value: "0"',
    "",
  ].join("\n");
}

export function modifierConfigMap(env: EnvironmentConfig, migrationId: string) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(veleroNames(migrationId).modifierConfigMap, env, migrationId),
    data: { "suspend-forbidden.yaml": modifierRules() },
  };
}
