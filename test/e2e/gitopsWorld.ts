// GitOps on both sandbox clusters for the e2e tests: one "Git" both sync, the self-healing controllers,
// Argo CD Applications `ops` (tracking-id annotations) and `web` (instance label, web's CronJobs), the Flux
// Kustomization `batch` and HelmRelease `frontend` (web's Deployments, drift correction on), and every
// resource of those namespaces marked as theirs, as a GitOps-run estate looks.

import {
  argoApplication,
  argoInstanceLabelled,
  argoTracked,
  fluxHelmRelease,
  fluxKustomization,
  fluxTracked,
  installSharedGitOps,
  type JsonValue,
  type KubeHost,
  type KubeObject,
  type SharedGitOps,
} from "@hikkoshi/test-hosts/kube";
import { waitUntil } from "./support/wait.js";
import type { E2eWorld } from "./support/world.js";

export interface GitOpsWorld extends SharedGitOps<"old" | "new"> {
  /** The source's controller settings before the migration (`Kind ns/name` → sync settings). */
  originals: Record<string, JsonValue | undefined>;
}

const KINDS = [
  ["argoproj.io/v1alpha1", "Application", "argocd"],
  ["kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system"],
  ["helm.toolkit.fluxcd.io/v2", "HelmRelease", "flux-system"],
] as const;

/** `Kind ns/name` → the settings hikkoshi pauses (Argo CD syncPolicy, Flux suspend). */
export function syncSettings(host: KubeHost): Record<string, JsonValue | undefined> {
  const out: Record<string, JsonValue | undefined> = {};
  for (const [apiVersion, kind, ns] of KINDS) {
    for (const o of host.objects.list(apiVersion, kind, ns)) {
      const spec = (o.spec ?? {}) as { syncPolicy?: JsonValue; suspend?: JsonValue };
      out[`${kind} ${ns}/${o.metadata?.name}`] = kind === "Application" ? spec.syncPolicy : spec.suspend;
    }
  }
  return out;
}

/** Marks a workload of `namespace` as its GitOps owner would: ops, web by Argo CD; batch, frontend by Flux. */
function mark(o: KubeObject, namespace: string): void {
  if (namespace === "ops") argoTracked("ops", o);
  else if (namespace === "batch") fluxTracked("batch", o);
  else if (o.kind === "Deployment") fluxTracked("frontend", o, "helm");
  else argoInstanceLabelled("web", o);
}

const running: GitOpsWorld[] = [];

/** Stops the controllers of every GitOps world installed so far (from afterEach: they poll until stopped). */
export function stopGitOpsWorlds(): void {
  for (const g of running.splice(0)) g.stop();
}

/**
 * Installs GitOps on both clusters; call before `/migrate start` (synchronous: fits `arrange`).
 * stopGitOpsWorlds stops it.
 */
export function installGitOpsWorld(e: E2eWorld): GitOpsWorld {
  const { old, new: neu } = e.world;
  const gitops = installSharedGitOps({ old, new: neu }, { periodMs: 50 });
  const { repo } = gitops;
  for (const ns of ["ops", "batch", "web"]) {
    for (const [apiVersion, kind] of [
      ["batch/v1", "CronJob"],
      ["apps/v1", "Deployment"],
    ] as const) {
      for (const o of old.objects.list(apiVersion, kind, ns)) {
        old.objects.update(apiVersion, kind, o.metadata?.name ?? "", ns, (x) => mark(x, ns));
      }
    }
    repo.commitLive(old.objects.list("batch/v1", "CronJob", ns), ["spec.suspend"]);
    repo.commitLive(old.objects.list("apps/v1", "Deployment", ns), ["spec.replicas"]);
  }
  // The new cluster runs Argo CD and Flux already, with only `ops` set up by its own code: the rest comes
  // with the restore (the backup includes argocd and flux-system), as copies of the source's objects.
  for (const host of [old, neu]) host.objects.put(argoApplication("ops", { selfHeal: true }));
  old.objects.put(argoApplication("web", { selfHeal: true }));
  old.objects.put(fluxKustomization("batch"));
  old.objects.put(fluxHelmRelease("frontend", { drift: "enabled" }));
  const g: GitOpsWorld = { ...gitops, originals: syncSettings(old) };
  running.push(g);
  return g;
}

/** Waits until both controllers have scanned `n` more times (so whatever they would revert, they did). */
export async function afterScans(g: GitOpsWorld, n: number): Promise<void> {
  const start = { old: g.controllers.old.scans, new: g.controllers.new.scans };
  await waitUntil(
    () => g.controllers.old.scans >= start.old + n && g.controllers.new.scans >= start.new + n,
    `${n} more scans of both GitOps controllers`,
    30_000,
  );
}

/** Forbidden CronJobs unsuspended and forbidden Deployments wanting pods on a cluster. */
export function activeForbidden(host: KubeHost): string[] {
  const forbidden = (o: KubeObject) => o.metadata?.labels?.["hikkoshi.dev/duplication"] === "forbidden";
  return [
    ...host.objects
      .list("batch/v1", "CronJob")
      .filter((c) => forbidden(c) && (c.spec as { suspend?: boolean }).suspend !== true)
      .map((c) => `CronJob ${c.metadata?.namespace}/${c.metadata?.name}`),
    ...host.objects
      .list("apps/v1", "Deployment")
      .filter((d) => forbidden(d) && ((d.spec as { replicas?: number }).replicas ?? 1) > 0)
      .map((d) => `Deployment ${d.metadata?.namespace}/${d.metadata?.name}`),
  ];
}
