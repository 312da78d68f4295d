// Two Kubernetes API test hosts (old and new cluster) and an EnvContext pointing hikkoshi at them.

import {
  type KubeHost,
  type KubeHostOptions,
  type KubeObject,
  kubeconfigFor,
  startKubeHost,
} from "@hikkoshi/test-hosts/kube";
import { parseConfig } from "../../src/config/load.js";
import { createKubernetesClusters, type KubernetesClusters } from "../../src/k8s/kubernetesClusters.js";
import type { Logger } from "../../src/k8s/runtime.js";
import type { EnvContext } from "../../src/migration/ports.js";

export const SOURCE = "production-20251101";
export const TARGET = "production-20261125";

export const fastPoll = { veleroMs: 20, readinessMs: 20, drainMs: 20, settleMs: 30 };

/** EnvContext for `production` with the two clusters; `extra` is YAML appended to the environment. */
export function envContext(
  extra = "",
  names: { source?: string; target?: string } = {},
  migrationId = "production-20261125-1",
): EnvContext {
  const source = names.source ?? SOURCE;
  const target = names.target ?? TARGET;
  const cfg = parseConfig(`
environments:
  production:
    channel: C0PROD0001
    permissions: {}
    clusters:
      - { name: ${source}, context: ${source} }
      - { name: ${target}, context: ${target} }
    dns: { hostedZone: example.com., records: [www.example.com] }
${extra
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
`);
  const env = cfg.environments.production!;
  return { migrationId, envName: "production", env, source: env.clusters[0]!, target: env.clusters[1]! };
}

export interface World {
  source: KubeHost;
  target: KubeHost;
  port: KubernetesClusters;
  close(): Promise<void>;
}

export async function startWorld(
  opts: {
    source?: Partial<KubeHostOptions>;
    target?: Partial<KubeHostOptions>;
    poll?: Partial<typeof fastPoll>;
    logger?: Logger;
  } = {},
): Promise<World> {
  const source = await startKubeHost({ name: SOURCE, ...opts.source });
  const target = await startKubeHost({ name: TARGET, ...opts.target });
  const port = createKubernetesClusters({
    kubeconfig: kubeconfigFor([source, target]),
    poll: { ...fastPoll, ...opts.poll },
    retry: { baseDelayMs: 5, maxDelayMs: 100 },
    requestTimeoutMs: 5_000,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return {
    source,
    target,
    port,
    async close() {
      await Promise.all([source.close(), target.close()]);
    },
  };
}

export const noProgress = () => {};
export const never = () => new AbortController().signal;

export function cronJob(
  namespace: string,
  name: string,
  opts: {
    schedule?: string;
    suspend?: boolean;
    labels?: Record<string, string>;
    startingDeadlineSeconds?: number;
    timeZone?: string;
    status?: Record<string, unknown>;
  } = {},
): KubeObject {
  const spec: Record<string, unknown> = {
    schedule: opts.schedule ?? "*/5 * * * *",
    suspend: opts.suspend ?? false,
    jobTemplate: {
      spec: {
        template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } },
      },
    },
  };
  if (opts.startingDeadlineSeconds !== undefined) spec.startingDeadlineSeconds = opts.startingDeadlineSeconds;
  if (opts.timeZone !== undefined) spec.timeZone = opts.timeZone;
  const obj: KubeObject = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { namespace, name, labels: opts.labels ?? {} },
    spec: spec as KubeObject["spec"],
  };
  if (opts.status) obj.status = opts.status as KubeObject["status"];
  return obj;
}

export function deployment(
  namespace: string,
  name: string,
  opts: {
    replicas?: number;
    labels?: Record<string, string>;
    volumes?: unknown[];
    image?: string;
    args?: string[];
  } = {},
): KubeObject {
  const labels = { app: name, ...(opts.labels ?? {}) };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { namespace, name, labels },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: "main", image: opts.image ?? "nginx", ...(opts.args ? { args: opts.args } : {}) },
          ],
          ...(opts.volumes ? { volumes: opts.volumes } : {}),
        },
      },
    } as KubeObject["spec"],
  };
}

export const FORBIDDEN = { "hikkoshi.dev/duplication": "forbidden" };
export const TOLERANT = { "hikkoshi.dev/duplication": "tolerant" };
