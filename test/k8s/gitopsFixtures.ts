// A GitOps estate on two kube test hosts: "Git" (one repo both clusters sync), Argo CD Applications and
// Flux Kustomizations/HelmReleases, and resources carrying their tracking marks.

import {
  argoApplication,
  argoTracked,
  fluxHelmRelease,
  fluxKustomization,
  fluxTracked,
  installSharedGitOps,
  type KubeHost,
  type SharedGitOps,
} from "@hikkoshi/test-hosts/kube";
import { afterEach } from "vitest";
import { cronJob, deployment, FORBIDDEN, startWorld, type World } from "./support.js";

export type GitOpsEstate = SharedGitOps<"source" | "target">;

/**
 * Source: Application `ops` (self-heal) manages forbidden CronJob ops/ledger-close and Deployment
 * ops/singleton; Kustomization `batch` manages forbidden CronJob batch/nightly; HelmRelease `web` (drift
 * correction on) manages tolerant Deployment web/frontend. The target runs the same Applications and
 * Kustomizations (same Git), but none of the resources yet (the restore brings them).
 */
export function installGitOpsEstate(source: KubeHost, target: KubeHost): GitOpsEstate {
  const estate = installSharedGitOps({ source, target }, { periodMs: 50 });
  const { repo } = estate;
  source.objects.put(argoTracked("ops", cronJob("ops", "ledger-close", { labels: FORBIDDEN })));
  source.objects.put(argoTracked("ops", deployment("ops", "singleton", { replicas: 1, labels: FORBIDDEN })));
  source.objects.put(fluxTracked("batch", cronJob("batch", "nightly", { labels: FORBIDDEN })));
  source.objects.put(fluxTracked("web", deployment("web", "frontend", { replicas: 3 }), "helm"));
  repo.commitLive(source.objects.list("batch/v1", "CronJob"), ["spec.suspend"]);
  repo.commitLive(source.objects.list("apps/v1", "Deployment"), ["spec.replicas"]);
  for (const host of [source, target]) {
    host.objects.put(argoApplication("ops", { selfHeal: true }));
    host.objects.put(fluxKustomization("batch"));
    host.objects.put(fluxHelmRelease("web", { drift: "enabled" }));
  }
  return estate;
}

/**
 * For a test file: each test starts two clusters, bare or with the GitOps estate; after each test the
 * controllers stop (they poll until stopped) and the hosts close.
 */
export function useGitOpsClusters() {
  let world: World | undefined;
  let estate: GitOpsEstate | undefined;
  afterEach(async () => {
    estate?.stop();
    await world?.close();
    world = undefined;
    estate = undefined;
  });
  const bare = async (opts?: Parameters<typeof startWorld>[0]): Promise<World> => {
    world = await startWorld(opts);
    return world;
  };
  return {
    /** Two clusters without GitOps. */
    bare,
    /** Two clusters with the estate of installGitOpsEstate. */
    async withGitOps(
      opts?: Parameters<typeof startWorld>[0],
    ): Promise<{ world: World; estate: GitOpsEstate }> {
      const started = await bare(opts);
      estate = installGitOpsEstate(started.source, started.target);
      return { world: started, estate };
    },
  };
}

/** Copies the source's forbidden resources to the target suspended / at zero, as the restore does. */
export function restoreSuspended(source: KubeHost, target: KubeHost): void {
  for (const cj of source.objects.list("batch/v1", "CronJob")) {
    const { metadata, spec } = cj;
    target.objects.put({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: {
        name: metadata?.name,
        namespace: metadata?.namespace,
        labels: metadata?.labels,
        annotations: metadata?.annotations,
      },
      spec: { ...spec, suspend: true },
    });
  }
  for (const d of source.objects.list("apps/v1", "Deployment")) {
    if (d.metadata?.labels?.["hikkoshi.dev/duplication"] !== "forbidden") continue;
    const { metadata, spec } = d;
    target.objects.put({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: metadata?.name,
        namespace: metadata?.namespace,
        labels: metadata?.labels,
        annotations: metadata?.annotations,
      },
      spec: { ...spec, replicas: 0 },
    });
  }
}
