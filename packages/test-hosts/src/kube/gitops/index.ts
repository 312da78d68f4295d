// GitOps on a kube test host: the Argo CD and Flux CRDs, their namespaces, and the self-healing
// controller. `startKubeHost({ gitops: { repo } })` installs it at start; `installGitOps` adds it to a
// host that is already running (the sandbox world starts its hosts itself).
//
//   const repo = new GitRepo();
//   const gitops = installGitOps(host, { repo });
//   repo.commitLive(host.objects.list("batch/v1", "CronJob", "ops"), ["spec.suspend"]);
//   host.objects.put(argoApplication("ops", { selfHeal: true }));
//   gitops.reverts  // every field it put back

import type { KubeApi } from "../api.js";
import type { ObjectAccess } from "../fixtures.js";
import type { JsonObject, KubeObject } from "../types.js";
import { GitOpsController, type GitOpsControllerOptions } from "./controller.js";
import { GITOPS_CRDS } from "./crds.js";
import { GitRepo } from "./repo.js";

export { GitOpsController, type GitOpsControllerOptions, type GitOpsRevert } from "./controller.js";
export { APPLICATION_CRD, GITOPS_CRDS, HELMRELEASE_CRD, KUSTOMIZATION_CRD } from "./crds.js";
export { type FieldPath, GitRepo } from "./repo.js";
export {
  ARGO_INSTANCE_LABEL,
  ARGO_TRACKING_ANNOTATION,
  argoInstanceLabelled,
  argoTracked,
  FIELD_MANAGERS,
  fluxTracked,
  type GitOpsKind,
} from "./tracking.js";

export function installGitOpsObjects(objects: ObjectAccess, argoNamespace = "argocd"): void {
  for (const c of GITOPS_CRDS) objects.put(c);
  for (const name of [argoNamespace, "flux-system"])
    objects.put({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

/** Installs the CRDs and starts the controller on a running host; `close()` of the host does not stop it. */
export function installGitOps(
  host: { api: KubeApi; objects: ObjectAccess; name: string },
  opts: GitOpsControllerOptions,
): GitOpsController {
  installGitOpsObjects(host.objects, opts.argoNamespace);
  const c = new GitOpsController(host.api, host.name, opts);
  c.start();
  return c;
}

/** GitOps on several running hosts syncing one Git: its repo, a controller per host, and stop() for all. */
export interface SharedGitOps<Name extends string> {
  repo: GitRepo;
  controllers: Record<Name, GitOpsController>;
  stop(): void;
}

/** Installs GitOps on each of `hosts` (by the name the test knows it by), all syncing one new repo. */
export function installSharedGitOps<Name extends string>(
  hosts: Record<Name, { api: KubeApi; objects: ObjectAccess; name: string }>,
  opts: Omit<GitOpsControllerOptions, "repo"> = {},
): SharedGitOps<Name> {
  const repo = new GitRepo();
  const names = Object.keys(hosts) as Name[];
  const controllers = Object.fromEntries(
    names.map((n) => [n, installGitOps(hosts[n], { ...opts, repo })]),
  ) as Record<Name, GitOpsController>;
  return {
    repo,
    controllers,
    stop() {
      for (const n of names) controllers[n].stop();
    },
  };
}

/** An Argo CD Application in `argocd` syncing `path` of the platform repo into this cluster. */
export function argoApplication(
  name: string,
  opts: { selfHeal?: boolean; automated?: boolean; path?: string; namespace?: string } = {},
): KubeObject {
  const automated = opts.automated ?? true;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: opts.namespace ?? "argocd" },
    spec: {
      project: "default",
      source: {
        repoURL: "https://git.example.com/platform/clusters.git",
        path: opts.path ?? `apps/${name}`,
        targetRevision: "main",
      },
      destination: { server: "https://kubernetes.default.svc", namespace: name },
      ...(automated ? { syncPolicy: { automated: { prune: true, selfHeal: opts.selfHeal ?? true } } } : {}),
    },
  };
}

/**
 * A Flux object in flux-system (where Flux keeps them), reconciled every `interval`; `suspend` is written
 * only when given, as a user's manifest would leave it out.
 */
function fluxObject(
  apiVersion: string,
  kind: string,
  name: string,
  spec: JsonObject & { interval: string },
  suspend: boolean | undefined,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: "flux-system" },
    spec: { ...spec, ...(suspend !== undefined ? { suspend } : {}) },
  };
}

export function fluxKustomization(name: string, opts: { suspend?: boolean; path?: string } = {}): KubeObject {
  const spec = {
    interval: "1m",
    path: opts.path ?? `./apps/${name}`,
    prune: true,
    sourceRef: { kind: "GitRepository", name: "platform" },
  };
  return fluxObject("kustomize.toolkit.fluxcd.io/v1", "Kustomization", name, spec, opts.suspend);
}

export function fluxHelmRelease(
  name: string,
  opts: { suspend?: boolean; drift?: "enabled" | "warn" | "disabled" } = {},
): KubeObject {
  const spec = {
    interval: "5m",
    chart: { spec: { chart: name, sourceRef: { kind: "HelmRepository", name: "platform" } } },
    ...(opts.drift ? { driftDetection: { mode: opts.drift } } : {}),
  };
  return fluxObject("helm.toolkit.fluxcd.io/v2", "HelmRelease", name, spec, opts.suspend);
}
