// "Installing" Velero on a host: its CRDs, the velero namespace and the default BackupStorageLocation.

import { crdObject } from "../crd.js";
import type { ObjectAccess } from "../fixtures.js";
import type { KubeObject } from "../types.js";

function crd(
  plural: string,
  kind: string,
  statusSubresource: boolean,
  shortNames: string[] = [],
): KubeObject {
  return crdObject({
    group: "velero.io",
    kind,
    plural,
    shortNames,
    statusSubresource,
    labels: { component: "velero" },
  });
}

export const VELERO_CRDS: readonly KubeObject[] = [
  crd("backups", "Backup", false),
  crd("restores", "Restore", false),
  crd("schedules", "Schedule", false),
  crd("backupstoragelocations", "BackupStorageLocation", true, ["bsl"]),
  crd("volumesnapshotlocations", "VolumeSnapshotLocation", true, ["vsl"]),
  crd("deletebackuprequests", "DeleteBackupRequest", false),
];

export function installVeleroObjects(
  objects: ObjectAccess,
  namespace: string,
  bslPhase: "Available" | "Unavailable",
  now: string,
  version: string,
): void {
  for (const c of VELERO_CRDS) objects.put(c);
  objects.put({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: { component: "velero" } },
  });
  // The server itself: `velero version` reports its image tag.
  objects.put({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "velero", namespace, labels: { component: "velero", deploy: "velero" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { deploy: "velero" } },
      template: {
        metadata: { labels: { component: "velero", deploy: "velero" } },
        spec: {
          containers: [{ name: "velero", image: `velero/velero:${version}`, args: ["server"] }],
        },
      },
    },
  });
  objects.put({
    apiVersion: "velero.io/v1",
    kind: "BackupStorageLocation",
    metadata: { name: "default", namespace, labels: { component: "velero" } },
    spec: {
      default: true,
      provider: "aws",
      objectStorage: { bucket: "hikkoshi-sandbox-backups" },
      config: { region: "us-east-1" },
    },
    status: {
      phase: bslPhase,
      lastValidationTime: now,
      ...(bslPhase === "Available"
        ? { lastSyncedTime: now }
        : {
            message:
              'BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = AccessDenied',
          }),
    },
  });
}
