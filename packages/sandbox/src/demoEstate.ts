import type { ObjectAccess } from "@hikkoshi/test-hosts/kube/fixtures";

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
      objects.put({
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: `${ns}-job-${i}`, namespace: ns, labels: isForbidden ? FORBIDDEN : TOLERANT },
        spec: {
          schedule: `${(i * 7) % 60} * * * *`,
          timeZone: "Etc/UTC",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "OnFailure",
                  containers: [{ name: "job", image: "busybox:1.36", command: ["true"] }],
                },
              },
            },
          },
        },
      });
    }
  }
  return { cronJobs, forbidden };
}

function deployment(namespace: string, name: string, replicas: number, labels: Record<string, string>) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name, ...labels } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "app", image: `registry.example.com/${name}:1.0.0`, ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}
