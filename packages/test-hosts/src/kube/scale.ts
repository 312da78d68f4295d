// The autoscaling/v1 Scale subresource of Deployments, StatefulSets, ReplicaSets (and scalable CRs).

import { badRequest, pathNotFound } from "./errors.js";
import type { ResourceDef } from "./resources.js";
import { formatLabelSelector, fromLabelSelectorObject } from "./selectors.js";
import { clone, getIn, getNumber, isObject, type JsonValue, type KubeObject, setIn } from "./types.js";

function pathOf(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, "").split(".").filter(Boolean);
}

export function toScale(def: ResourceDef, obj: KubeObject): KubeObject {
  if (!def.scale) throw pathNotFound();
  const meta = obj.metadata ?? {};
  const specReplicas = getNumber(obj, pathOf(def.scale.specReplicasPath)) ?? 0;
  const statusReplicas = getNumber(obj, pathOf(def.scale.statusReplicasPath)) ?? 0;
  const selectorValue = def.crd
    ? getIn(obj, pathOf(def.scale.labelSelectorPath ?? ""))
    : formatLabelSelector(fromLabelSelectorObject(getIn(obj, ["spec", "selector"])));
  const status: KubeObject = { replicas: statusReplicas };
  if (typeof selectorValue === "string" && selectorValue) status.selector = selectorValue;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: specReplicas },
    status,
  };
}

/** The workload with `spec.replicas` taken from a Scale body. */
export function fromScale(def: ResourceDef, current: KubeObject, scale: JsonValue): KubeObject {
  if (!def.scale) throw pathNotFound();
  const replicas = getIn(scale, ["spec", "replicas"]);
  if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas))) {
    throw badRequest(
      `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  }
  const next = clone(current);
  if (isObject(scale) && typeof replicas === "number")
    setIn(next, pathOf(def.scale.specReplicasPath), replicas);
  return next;
}
