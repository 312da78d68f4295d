// Every overlay under deploy/kubernetes/overlays, rendered by `kubectl kustomize` (KUBECTL overrides the
// binary), validates against the official Kubernetes schemas (kubernetes-models) and means what
// docs/operations.md says: two bot replicas with a budget, probes on the ops endpoints, a restricted
// security context, a worker grace period longer than the longest step the config allows, and a
// ConfigMap whose config file loads with the real loader.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";

const KUBECTL = process.env.KUBECTL ?? "kubectl";
const ROOT = "deploy/kubernetes";
const OVERLAYS = readdirSync(join(ROOT, "overlays"));

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

/** A ServiceMonitor's fields this test reads (a Prometheus Operator CRD, no official model here). */
interface ServiceMonitor {
  apiVersion: string;
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: Array<{ port: string; path: string }>;
  };
}

/** The official types of the kinds this test reads field by field; the first test validates every object. */
interface Kinds {
  Deployment: IDeployment;
  Service: IService;
  NetworkPolicy: INetworkPolicy;
  PodDisruptionBudget: IPodDisruptionBudget;
  ConfigMap: IConfigMap;
  ServiceAccount: IServiceAccount;
  Namespace: INamespace;
}

/** kubectl's embedded kustomize as [major, minor]; kubectl before 1.24 does not print it (1.20 embeds v2.0.3). */
function kustomizeVersion(): [number, number] {
  const out = JSON.parse(
    execFileSync(KUBECTL, ["version", "--client", "-o", "json"], { encoding: "utf8" }),
  ) as {
    kustomizeVersion?: string;
    clientVersion: { minor: string };
  };
  const m = /^v(\d+)\.(\d+)/.exec(out.kustomizeVersion ?? "");
  if (m) return [Number(m[1]), Number(m[2])];
  const minor = Number.parseInt(out.clientVersion.minor, 10);
  return minor >= 21 ? [4, 0] : [2, 0];
}

function render(overlay: string): Obj[] {
  const dir = join(ROOT, "overlays", overlay);
  const kustomization = readFileSync(join(dir, "kustomization.yaml"), "utf8");
  const [major, minor] = kustomizeVersion();
  if (/^components:/m.test(kustomization) && (major < 3 || (major === 3 && minor < 7)))
    throw new Error(
      `overlay ${overlay} uses kustomize Components, which need kustomize >= v3.7 (kubectl >= 1.21); ${KUBECTL} embeds kustomize v${major}.${minor}. Install a newer kubectl, or set KUBECTL to one`,
    );
  const yaml = execFileSync(KUBECTL, ["kustomize", dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return parseAllDocuments(yaml).map((d) => d.toJS() as Obj);
}

/** The official schema for apiVersion/kind, from kubernetes-models (`apps/v1` → `kubernetes-models/apps/v1/<Kind>`). */
async function validateOfficial(o: Obj): Promise<void> {
  const path = `kubernetes-models/${o.apiVersion}/${o.kind}`;
  const mod = (await import(path)) as Record<string, new (x: unknown) => { validate(): void }>;
  const Model = mod[o.kind] ?? mod.default;
  if (!Model) throw new Error(`${path} has no model`);
  new Model(o).validate();
}

/** ServiceMonitor is a Prometheus Operator CRD (no official schema here): check what it must say. */
function validateServiceMonitor(o: ServiceMonitor, all: Obj[]): void {
  expect(o.apiVersion).toBe("monitoring.coreos.com/v1");
  const selector = o.spec.selector.matchLabels;
  const services = byKind(all, "Service").filter((s) => matches(selector, s.metadata?.labels));
  expect(services.map((s) => s.metadata?.name).sort()).toEqual(["hikkoshi-bot", "hikkoshi-worker"]);
  const portNames = services.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.name));
  for (const e of o.spec.endpoints) {
    expect(portNames).toContain(e.port);
    expect(e.path).toBe("/metrics");
  }
}

// The cast is what the schema validation in the first test checks.
const byKind = <K extends keyof Kinds>(objs: Obj[], kind: K): Kinds[K][] =>
  objs.filter((o) => o.kind === kind) as unknown as Kinds[K][];
const one = <K extends keyof Kinds>(objs: Obj[], kind: K, name: string): Kinds[K] => {
  const o = byKind(objs, kind).find((x) => x.metadata?.name === name);
  if (!o)
    throw new Error(`no ${kind} ${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
  return o;
};
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
/** A required field: fails the test, naming it, where the manifest lacks it. */
function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

/** The longest a single step may run under this config (ms): what a draining worker must be allowed. */
function longestStepMs(config: HikkoshiConfig): number {
  return Math.max(
    ...Object.values(config.environments).flatMap((e) => [
      (e.velero.syncTimeoutMinutes + e.velero.timeoutMinutes) * 60_000,
      e.readinessTimeoutMinutes * 60_000,
      e.handoff.activeJobsTimeoutMinutes * 60_000,
    ]),
  );
}

const podOf = (d: IDeployment) => must(d.spec?.template.spec, `${d.metadata?.name}'s pod spec`);
const containerOf = (d: IDeployment) => must(podOf(d).containers[0], `${d.metadata?.name}'s container`);

describe.each(OVERLAYS)("deploy/kubernetes/overlays/%s", (overlay) => {
  let cached: Obj[] | undefined;
  const objs = () => {
    cached ??= render(overlay);
    return cached;
  };

  it("renders objects that validate against the official schemas, all in one namespace", async () => {
    const all = objs();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const o of all) {
      if (o.kind === "ServiceMonitor") validateServiceMonitor(o as unknown as ServiceMonitor, all);
      else await expect(validateOfficial(o), `${o.kind}/${o.metadata.name}`).resolves.toBeUndefined();
      if (o.kind !== "Namespace")
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe("hikkoshi");
    }
    const namespaces = byKind(all, "Namespace");
    expect(namespaces.map((n) => n.metadata?.labels?.["pod-security.kubernetes.io/enforce"])).toEqual([
      "restricted",
    ]);
  });

  it("two bot replicas with a budget, a worker grace period longer than the longest step, both probed on the ops endpoints", () => {
    const all = objs();
    const bot = one(all, "Deployment", "hikkoshi-bot");
    const worker = one(all, "Deployment", "hikkoshi-worker");
    expect(bot.spec?.replicas).toBe(2);
    const pdbs = byKind(all, "PodDisruptionBudget");
    const selects = (p: IPodDisruptionBudget, d: IDeployment) =>
      matches(p.spec?.selector?.matchLabels, d.spec?.template.metadata?.labels);
    expect(pdbs.find((p) => selects(p, bot))?.spec?.minAvailable).toBe(1);
    expect(pdbs.some((p) => selects(p, worker))).toBe(true);

    const configVolume = podOf(bot).volumes?.find((v) => v.name === "config");
    const configMap = one(all, "ConfigMap", must(configVolume?.configMap?.name, "the bot's config volume"));
    const configFile = must(configMap.data?.["hikkoshi.yaml"], "the ConfigMap's hikkoshi.yaml");
    const config = parseConfig(configFile, `${overlay} ConfigMap`);
    expect(Object.keys(config.environments).length).toBeGreaterThan(0);
    const grace = must(
      podOf(worker).terminationGracePeriodSeconds,
      "the worker's terminationGracePeriodSeconds",
    );
    expect(grace * 1000).toBeGreaterThan(longestStepMs(config));

    for (const d of [bot, worker]) {
      const name = must(d.metadata?.name, "a Deployment's name");
      const pod = podOf(d);
      const c = containerOf(d);
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      const port = must(c.ports?.[0], `${name}'s container port`);
      expect(port.containerPort, name).toBe(Number(env.HIKKOSHI_ROLE === "worker" ? env.OPS_PORT : env.PORT));
      expect(c.readinessProbe?.httpGet, name).toEqual({ path: "/readyz", port: port.name });
      expect(c.livenessProbe?.httpGet, name).toEqual({ path: "/healthz", port: port.name });
      const resources = c.resources;
      expect(
        resources?.requests?.cpu && resources.requests.memory && resources.limits?.memory,
        name,
      ).toBeTruthy();
      // Pod Security "restricted", and what a read-only root needs.
      expect(pod.securityContext, name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(pod.securityContext?.runAsUser, name).toBeGreaterThan(0);
      expect(c.securityContext, name).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      const mounts = c.volumeMounts ?? [];
      const tmp = mounts.find((m) => m.mountPath === "/tmp");
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, name).toBeDefined();
      // The config file the process reads is the ConfigMap's key, where it is mounted.
      const configMount = mounts.find((m) => m.name === "config");
      expect(env.HIKKOSHI_CONFIG, name).toBe(`${configMount?.mountPath}/hikkoshi.yaml`);
      expect(pod.serviceAccountName, name).toBe("hikkoshi");
      expect(pod.automountServiceAccountToken, name).toBe(false);
    }
    expect(one(all, "ServiceAccount", "hikkoshi").automountServiceAccountToken).toBe(false);
  });

  it("Services, NetworkPolicy and Secret references line up with the pods", () => {
    const all = objs();
    const deployments = byKind(all, "Deployment");
    const documented = new Set(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .filter((l) => /^[A-Z_0-9]+=/.test(l))
        .map((l) => l.split("=")[0]),
    );
    for (const s of byKind(all, "Service")) {
      const name = s.metadata?.name;
      const pods = deployments.filter((d) => matches(s.spec?.selector, d.spec?.template.metadata?.labels));
      expect(pods, name).toHaveLength(1);
      const names = (containerOf(pods[0]!).ports ?? []).map((p) => p.name);
      for (const p of s.spec?.ports ?? []) expect(names, name).toContain(p.targetPort);
    }
    const policy = must(byKind(all, "NetworkPolicy")[0], "a NetworkPolicy");
    const allowed = (policy.spec?.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
    for (const d of deployments) {
      expect(matches(policy.spec?.podSelector?.matchLabels, d.spec?.template.metadata?.labels)).toBe(true);
      const c = containerOf(d);
      for (const p of c.ports ?? []) expect(allowed).toContain(p.containerPort);
      for (const e of c.env ?? []) {
        expect(documented.has(e.name), `${e.name} in .env.example`).toBe(true);
        if (e.valueFrom?.secretKeyRef)
          expect(e.valueFrom.secretKeyRef).toEqual({ name: "hikkoshi", key: e.name });
      }
      expect(["bot", "worker"]).toContain(c.env?.find((e) => e.name === "HIKKOSHI_ROLE")?.value);
    }
    // Tokens reach the pods only through the Secret, never as plain values in a manifest.
    expect(JSON.stringify(all)).not.toMatch(/xox[bpa]-[A-Za-z0-9]/);
  });
});

describe("deploy/kubernetes layout", () => {
  it("has a base, the example overlay, and the ServiceMonitor as a component used by an overlay", () => {
    expect(OVERLAYS).toContain("example");
    expect(existsSync(join(ROOT, "base/kustomization.yaml"))).toBe(true);
    const component = readFileSync(join(ROOT, "components/servicemonitor/kustomization.yaml"), "utf8");
    expect(component).toMatch(/^kind: Component$/m);
    const usesComponent = OVERLAYS.filter((o) =>
      /^components:/m.test(readFileSync(join(ROOT, "overlays", o, "kustomization.yaml"), "utf8")),
    );
    expect(usesComponent).toEqual(["example-prometheus"]);
  });
});
