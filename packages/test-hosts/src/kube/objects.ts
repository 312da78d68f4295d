// Plain manifests for arranging a world: the Deployments and CronJobs the sandbox estate, the end-to-end
// tests and the host's own tests put on a cluster.

/** The label hikkoshi reads to know a CronJob must never run on both clusters at once. */
const FORBIDDEN = { "hikkoshi.dev/duplication": "forbidden" };

/** A CronJob in UTC whose job runs `true` in busybox; `spec` adds fields such as `suspend`. Forbidden unless `labels` say otherwise. */
export function cronJob(
  namespace: string,
  name: string,
  schedule: string,
  spec: { suspend?: boolean; startingDeadlineSeconds?: number } = {},
  labels: Readonly<Record<string, string>> = FORBIDDEN,
) {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace, labels: { ...labels } },
    spec: {
      schedule,
      timeZone: "Etc/UTC",
      ...spec,
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
  };
}

/** A Deployment selecting `app: <name>`; its one container by default serves `<name>:1.0.0` on 8080. */
export function deployment(
  namespace: string,
  name: string,
  replicas: number,
  labels: Record<string, string> = {},
  container: { name: string; image: string; ports?: Array<{ containerPort: number }> } = {
    name: "app",
    image: `registry.example.com/${name}:1.0.0`,
    ports: [{ containerPort: 8080 }],
  },
) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name, ...labels } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container] } },
    },
  };
}
