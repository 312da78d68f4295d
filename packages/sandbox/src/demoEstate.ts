import type { ObjectAccess } from "@hikkoshi/test-hosts/kube/fixtures";
import { cronJob, deployment } from "@hikkoshi/test-hosts/kube/objects";

const FORBIDDEN = { "hikkoshi.dev/duplication": "forbidden" };
const TOLERANT = { "hikkoshi.dev/duplication": "tolerant" };

export interface EstateSize {
  namespaces: string[];
  deploymentsPerNamespace: number;
  cronJobsPerNamespace: number;
  /** Every n-th CronJob is duplication-forbidden. */
  forbiddenEvery: number;
}

export const DEMO_ESTATE: EstateSize = {
  namespaces: ["web", "api", "batch", "billing"],
  deploymentsPerNamespace: 4,
  cronJobsPerNamespace: 12,
  forbiddenEvery: 6,
};

/**
 * Fills a source cluster with a realistic, deterministic estate: Deployments with Services and
 * ConfigMaps, CronJobs labelled tolerant or forbidden, and the ingress LoadBalancer Service whose
 * hostname the public DNS name points at.
 */
export function populateEstate(
  objects: ObjectAccess,
  size: EstateSize,
  ingressHostname: string,
): { cronJobs: number; forbidden: number } {
  let cronJobs = 0;
  let forbidden = 0;
  // Namespaces every real cluster has (hikkoshi writes its retired marker into kube-public).
  for (const name of ["kube-system", "kube-public"])
    objects.put({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  objects.put({
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "ingress-nginx-controller",
      namespace: "ingress-nginx",
      labels: { app: "ingress-nginx" },
    },
    spec: {
      type: "LoadBalancer",
      selector: { app: "ingress-nginx" },
      ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP" }],
    },
    status: { loadBalancer: { ingress: [{ hostname: ingressHostname }] } },
  });
  objects.put(deployment("ingress-nginx", "ingress-nginx-controller", 2, {}));
  for (const ns of size.namespaces) {
    for (let i = 0; i < size.deploymentsPerNamespace; i++) {
      const name = `${ns}-svc-${i}`;
      objects.put(deployment(ns, name, 2, {}));
      objects.put({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: ns },
        spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }] },
      });
      objects.put({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-config`, namespace: ns },
        data: { LOG_LEVEL: "info" },
      });
    }
    for (let i = 0; i < size.cronJobsPerNamespace; i++) {
      const isForbidden = (cronJobs + 1) % size.forbiddenEvery === 0;
      cronJobs++;
      if (isForbidden) forbidden++;
      objects.put(
        cronJob(ns, `${ns}-job-${i}`, `${(i * 7) % 60} * * * *`, {}, isForbidden ? FORBIDDEN : TOLERANT),
      );
    }
  }
  return { cronJobs, forbidden };
}
