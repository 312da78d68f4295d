// Server-side defaulting for the fields hikkoshi reads (what the apiserver fills in on create/update).

import { getIn, getString, isObject, type JsonObject, type KubeObject } from "./types.js";

function setDefault(obj: JsonObject, key: string, value: JsonObject[string]): void {
  if (obj[key] === undefined) obj[key] = value;
}

function podSpecDefaults(podSpec: JsonObject, restartPolicy: string): void {
  setDefault(podSpec, "restartPolicy", restartPolicy);
  setDefault(podSpec, "dnsPolicy", "ClusterFirst");
  setDefault(podSpec, "schedulerName", "default-scheduler");
  setDefault(podSpec, "terminationGracePeriodSeconds", 30);
  setDefault(podSpec, "securityContext", {});
  for (const list of ["containers", "initContainers"]) {
    const cs = podSpec[list];
    if (!Array.isArray(cs)) continue;
    for (const c of cs) {
      if (!isObject(c)) continue;
      setDefault(c, "terminationMessagePath", "/dev/termination-log");
      setDefault(c, "terminationMessagePolicy", "File");
      const image = getString(c, ["image"]) ?? "";
      setDefault(
        c,
        "imagePullPolicy",
        image.endsWith(":latest") || !image.includes(":") ? "Always" : "IfNotPresent",
      );
      setDefault(c, "resources", {});
      const ports = c.ports;
      if (Array.isArray(ports)) for (const p of ports) if (isObject(p)) setDefault(p, "protocol", "TCP");
    }
  }
}

function templateDefaults(spec: JsonObject, restartPolicy: string): void {
  const podSpec = getIn(spec, ["template", "spec"]);
  if (isObject(podSpec)) podSpecDefaults(podSpec, restartPolicy);
}

let nextClusterIp = 10;

export function allocateClusterIp(): string {
  nextClusterIp += 1;
  return `10.96.${Math.floor(nextClusterIp / 250) % 250}.${(nextClusterIp % 250) + 1}`;
}

/** Fills defaults in place. `kind` is the resource kind. */
export function applyDefaults(kind: string, obj: KubeObject): void {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case "Namespace":
      obj.spec = { finalizers: ["kubernetes"], ...(spec ?? {}) };
      if (!isObject(obj.status)) obj.status = { phase: "Active" };
      break;
    case "Deployment":
      if (!spec) return;
      setDefault(spec, "replicas", 1);
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "progressDeadlineSeconds", 600);
      setDefault(spec, "strategy", {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      templateDefaults(spec, "Always");
      break;
    case "StatefulSet":
      if (!spec) return;
      setDefault(spec, "replicas", 1);
      setDefault(spec, "podManagementPolicy", "OrderedReady");
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
      setDefault(spec, "persistentVolumeClaimRetentionPolicy", {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
      templateDefaults(spec, "Always");
      break;
    case "DaemonSet":
      if (!spec) return;
      setDefault(spec, "revisionHistoryLimit", 10);
      setDefault(spec, "updateStrategy", {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      templateDefaults(spec, "Always");
      break;
    case "ReplicaSet":
      if (!spec) return;
      setDefault(spec, "replicas", 1);
      templateDefaults(spec, "Always");
      break;
    case "CronJob": {
      if (!spec) return;
      setDefault(spec, "suspend", false);
      setDefault(spec, "concurrencyPolicy", "Allow");
      setDefault(spec, "successfulJobsHistoryLimit", 3);
      setDefault(spec, "failedJobsHistoryLimit", 1);
      const jobSpec = getIn(spec, ["jobTemplate", "spec"]);
      if (isObject(jobSpec)) jobDefaults(jobSpec);
      break;
    }
    case "Job":
      if (spec) jobDefaults(spec);
      break;
    case "Pod":
      if (spec) podSpecDefaults(spec, "Always");
      if (!isObject(obj.status)) obj.status = { phase: "Pending", qosClass: "BestEffort" };
      break;
    case "Service":
      if (!spec) return;
      setDefault(spec, "type", "ClusterIP");
      setDefault(spec, "sessionAffinity", "None");
      if (spec.type !== "ExternalName") {
        setDefault(spec, "clusterIP", allocateClusterIp());
        setDefault(spec, "clusterIPs", [String(spec.clusterIP)]);
        setDefault(spec, "ipFamilies", ["IPv4"]);
        setDefault(spec, "ipFamilyPolicy", "SingleStack");
        setDefault(spec, "internalTrafficPolicy", "Cluster");
      }
      if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
        setDefault(spec, "externalTrafficPolicy", "Cluster");
        const ports = spec.ports;
        if (Array.isArray(ports)) {
          ports.forEach((p, i) => {
            if (isObject(p)) setDefault(p, "nodePort", 30000 + ((nextClusterIp * 7 + i) % 2767));
          });
        }
      }
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isObject(p)) continue;
          setDefault(p, "protocol", "TCP");
          setDefault(p, "targetPort", p.port ?? null);
        }
      }
      if (!isObject(obj.status)) obj.status = { loadBalancer: {} };
      break;
    case "PersistentVolumeClaim":
      if (spec) setDefault(spec, "volumeMode", "Filesystem");
      if (!isObject(obj.status)) obj.status = { phase: "Pending" };
      break;
    case "Secret":
      setDefault(obj, "type", "Opaque");
      break;
  }
}

function jobDefaults(jobSpec: JsonObject): void {
  setDefault(jobSpec, "parallelism", 1);
  setDefault(jobSpec, "completions", 1);
  setDefault(jobSpec, "backoffLimit", 6);
  setDefault(jobSpec, "completionMode", "NonIndexed");
  setDefault(jobSpec, "suspend", false);
  const podSpec = getIn(jobSpec, ["template", "spec"]);
  if (isObject(podSpec)) podSpecDefaults(podSpec, "Always");
}
