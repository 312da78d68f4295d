// A CustomResourceDefinition manifest (apiextensions.k8s.io/v1, namespaced, one served and stored
// version), as the host's add-ons (Velero, the GitOps controllers) and its tests install them.

import type { JsonObject, KubeObject } from "./types.js";

/** Any object, unknown fields kept: the schema of a CRD whose fields the host does not check. */
export const PRESERVE_UNKNOWN: JsonObject = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

export interface CrdOptions {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** Default "v1". */
  version?: string;
  /** The version's openAPIV3Schema (default PRESERVE_UNKNOWN). */
  schema?: JsonObject;
  /** Whether the kind has a /status subresource. */
  statusSubresource: boolean;
  labels?: Record<string, string>;
}

/** Its metadata is a name and labels only, so the client libraries' object types take it as it is. */
export interface CrdManifest extends KubeObject {
  metadata: { name: string; labels?: Record<string, string> };
}

export function crdObject(o: CrdOptions): CrdManifest {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${o.plural}.${o.group}`, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      group: o.group,
      names: {
        kind: o.kind,
        listKind: `${o.kind}List`,
        plural: o.plural,
        singular: o.kind.toLowerCase(),
        shortNames: o.shortNames ?? [],
      },
      scope: "Namespaced",
      versions: [
        {
          name: o.version ?? "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: o.schema ?? PRESERVE_UNKNOWN },
          ...(o.statusSubresource ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}
