// Shared helpers: real @kubernetes/client-node clients against a test host, and Status extraction.

import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
} from "@kubernetes/client-node";
import type { KubeHost } from "../../src/kube/index.js";
import { deployment as deploymentObject } from "../../src/kube/objects.js";

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
  objects: KubernetesObjectApi;
}

export function clientsFor(host: KubeHost): Clients {
  const kc = new KubeConfig();
  kc.loadFromString(host.kubeconfig());
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

export interface ParsedStatus {
  code: number;
  reason?: string;
  message?: string;
  status?: string;
  kind?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ field?: string; reason?: string; message?: string }>;
    retryAfterSeconds?: number;
  };
  headers: Record<string, string>;
}

/** Runs `fn`, expects an ApiException, returns its Status body parsed. */
export async function failure(fn: () => Promise<unknown>): Promise<ParsedStatus> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApiException) {
      const raw: unknown = e.body;
      const body =
        typeof raw === "string"
          ? (JSON.parse(raw) as Omit<ParsedStatus, "headers">)
          : (raw as Omit<ParsedStatus, "headers">);
      return { ...body, code: e.code, headers: e.headers };
    }
    throw e;
  }
  throw new Error("expected the call to fail");
}

export async function waitFor<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
  stepMs = 10,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const container = { name: "app", image: "nginx:1.27" };

export function deployment(
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
  replicas = 2,
) {
  return deploymentObject(namespace, name, replicas, labels, container);
}

export function cronJob(
  name: string,
  namespace: string,
  schedule: string,
  extra: { suspend?: boolean; startingDeadlineSeconds?: number; labels?: Record<string, string> } = {},
) {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace, labels: extra.labels ?? {} },
    spec: {
      schedule,
      suspend: extra.suspend ?? false,
      ...(extra.startingDeadlineSeconds !== undefined
        ? { startingDeadlineSeconds: extra.startingDeadlineSeconds }
        : {}),
      jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [container] } } } },
    },
  };
}

export interface DiscoveryDoc {
  kind?: string;
  major?: string;
  minor?: string;
  gitVersion?: string;
  groups: Array<{
    name: string;
    versions: Array<{ version: string }>;
    preferredVersion: { version: string };
  }>;
  versions: Array<{ version: string }>;
  preferredVersion: { version: string };
  resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
}

/** GET a raw JSON document from the host (discovery, /version). */
export async function getJson(url: string): Promise<DiscoveryDoc> {
  const res = await fetch(url);
  return (await res.json()) as DiscoveryDoc;
}
