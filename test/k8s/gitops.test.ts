// GitOps awareness over the real client against two kube test hosts whose self-healing GitOps
// controllers revert drift within a second: the controller itself, the snapshot of what to pause,
// pause/resume with exact originals, and the source guard.

import type { KubeHost } from "@hikkoshi/test-hosts/kube";
import { describe, expect, it } from "vitest";
import type { GitOpsPause } from "../../src/migration/ports.js";
import { waitFor } from "../support/waitFor.js";
import { restoreSuspended, useGitOpsClusters } from "./gitopsFixtures.js";
import { envContext } from "./support.js";

const clusters = useGitOpsClusters();

const suspendOf = (host: KubeHost, ns: string, name: string) =>
  (host.objects.get("batch/v1", "CronJob", name, ns)?.spec as { suspend?: boolean } | undefined)?.suspend;

function patchAs(
  host: KubeHost,
  kind: "CronJob" | "Deployment",
  ns: string,
  name: string,
  body: object,
  manager: string,
) {
  const group = kind === "CronJob" ? "batch" : "apps";
  const def = host.api.registry.byGroupKind(group, kind)!;
  host.api.patch(
    { def, version: "v1", namespace: ns, name },
    "application/merge-patch+json",
    JSON.stringify(body),
    {
      fieldManager: manager,
    },
  );
}

const key = (p: GitOpsPause) => `${p.side} ${p.kind} ${p.namespace}/${p.name} ${p.fights.join("+")}`;

async function setup() {
  return { ...(await clusters.withGitOps()), ctx: envContext() };
}

describe("the self-healing test controller", () => {
  it("puts Git's suspend flag back within a second while self-heal is on, as its field manager, and not once paused", async () => {
    const { world, estate } = await setup();
    patchAs(world.source, "CronJob", "ops", "ledger-close", { spec: { suspend: true } }, "kubectl-patch");
    await waitFor(
      () => suspendOf(world.source, "ops", "ledger-close") === false,
      "Argo CD to revert",
      5_000,
      10,
    );
    const cj = world.source.objects.get("batch/v1", "CronJob", "ledger-close", "ops");
    expect(cj?.metadata?.managedFields?.map((m) => m.manager)).toContain("argocd-controller");
    expect(estate.controllers.source.reverts.some((r) => r.resource === "CronJob ops/ledger-close")).toBe(
      true,
    );

    world.source.objects.update("argoproj.io/v1alpha1", "Application", "ops", "argocd", (app) => {
      (app.spec as { syncPolicy?: unknown }).syncPolicy = {};
    });
    const before = estate.controllers.source.reverts.length;
    patchAs(world.source, "CronJob", "ops", "ledger-close", { spec: { suspend: true } }, "kubectl-patch");
    // The Kustomization keeps reverting its own CronJob meanwhile: the controller is alive and scanning.
    patchAs(world.source, "CronJob", "batch", "nightly", { spec: { suspend: true } }, "kubectl-patch");
    await waitFor(() => suspendOf(world.source, "batch", "nightly") === false, "Flux to revert", 5_000, 10);
    expect(suspendOf(world.source, "ops", "ledger-close")).toBe(true);
    expect(estate.controllers.source.reverts.slice(before).map((r) => r.controller)).toEqual([
      "Kustomization flux-system/batch",
    ]);
  });
});

describe("GitOps pause and resume through the ClusterPort", () => {
  it("finds what would revert the handoff on both clusters (the target's twins before the restore) and the decommission on the source", async () => {
    const { world, ctx } = await setup();
    const handoff = await world.port.snapshotGitOps(ctx, "handoff");
    expect(handoff.pauses.map(key)).toEqual([
      "source Application argocd/ops handoff+decommission",
      "source Kustomization flux-system/batch handoff",
      "target Application argocd/ops handoff",
      "target Kustomization flux-system/batch handoff",
    ]);
    const ops = handoff.pauses.find((p) => p.side === "source" && p.name === "ops")!;
    expect(ops.manages).toEqual(["CronJob ops/ledger-close", "Deployment ops/singleton"]);
    expect(ops.original).toEqual({ field: "automated", value: { prune: true, selfHeal: true } });
    const decommission = await world.port.snapshotGitOps(ctx, "decommission");
    expect(decommission.pauses.filter((p) => p.side === "source").map(key)).toEqual([
      "source Application argocd/ops handoff+decommission",
      "source HelmRelease flux-system/web decommission",
    ]);
  });

  it("pauses so that nothing is reverted on either cluster, and resumes with the exact original settings", async () => {
    const { world, estate, ctx } = await setup();
    // An original with fields a merge patch would keep, and a Flux object without `suspend` at all.
    world.source.objects.update("argoproj.io/v1alpha1", "Application", "ops", "argocd", (app) => {
      (app.spec as Record<string, unknown>).syncPolicy = { automated: { selfHeal: true, enabled: true } };
    });
    const snapshot = await world.port.snapshotGitOps(ctx, "handoff");
    const changed = await world.port.pauseGitOps(ctx, snapshot.pauses);
    expect(changed).toHaveLength(4);
    expect(await world.port.pauseGitOps(ctx, snapshot.pauses)).toEqual([]); // idempotent
    expect((await world.port.readGitOps(ctx, snapshot.pauses)).map((s) => s.state)).toEqual(
      Array(4).fill("paused"),
    );

    restoreSuspended(world.source, world.target);
    patchAs(world.source, "CronJob", "ops", "ledger-close", { spec: { suspend: true } }, "hikkoshi");
    patchAs(world.source, "CronJob", "batch", "nightly", { spec: { suspend: true } }, "hikkoshi");
    const reverts = () => estate.controllers.source.reverts.length + estate.controllers.target.reverts.length;
    const before = reverts();
    // Several scan periods pass (the controllers scan every 50 ms): nothing comes back.
    await waitFor(
      async () => (await world.port.readGitOps(ctx, snapshot.pauses)).length === 4,
      "reads",
      5_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(reverts()).toBe(before);
    expect(suspendOf(world.source, "ops", "ledger-close")).toBe(true);
    expect(suspendOf(world.target, "ops", "ledger-close")).toBe(true);

    // Someone edits the paused Application meanwhile (adds a key): resume still writes the original.
    world.source.objects.update("argoproj.io/v1alpha1", "Application", "ops", "argocd", (app) => {
      (app.spec as Record<string, unknown>).syncPolicy = { automated: { enabled: false, prune: true } };
    });
    const source = snapshot.pauses.filter((p) => p.side === "source");
    expect(await world.port.resumeGitOps(ctx, source)).toHaveLength(2);
    const app = world.source.objects.get("argoproj.io/v1alpha1", "Application", "ops", "argocd");
    expect((app?.spec as { syncPolicy?: unknown } | undefined)?.syncPolicy).toEqual({
      automated: { selfHeal: true, enabled: true },
    });
    const ks = world.source.objects.get(
      "kustomize.toolkit.fluxcd.io/v1",
      "Kustomization",
      "batch",
      "flux-system",
    );
    expect((ks?.spec as { suspend?: unknown } | undefined)?.suspend ?? null).toBeNull();
    expect((await world.port.readGitOps(ctx, source)).map((s) => s.state)).toEqual(["original", "original"]);
    // Resumed for real: the source's controllers put Git's state back again.
    await waitFor(
      () => suspendOf(world.source, "ops", "ledger-close") === false,
      "Argo CD to sync again",
      5_000,
      10,
    );
  });

  it("the guard stops a re-activated forbidden CronJob and Deployment on the source and names who changed them", async () => {
    const { world, ctx } = await setup();
    const snapshot = await world.port.snapshotGitOps(ctx, "handoff");
    await world.port.pauseGitOps(ctx, snapshot.pauses);
    patchAs(world.source, "CronJob", "ops", "ledger-close", { spec: { suspend: true } }, "hikkoshi");
    patchAs(world.source, "CronJob", "batch", "nightly", { spec: { suspend: true } }, "hikkoshi");
    patchAs(world.source, "Deployment", "ops", "singleton", { spec: { replicas: 0 } }, "hikkoshi");
    expect(await world.port.guardSource(ctx)).toEqual([]);

    patchAs(world.source, "CronJob", "batch", "nightly", { spec: { suspend: false } }, "kubectl-edit");
    patchAs(world.source, "Deployment", "ops", "singleton", { spec: { replicas: 1 } }, "deploy-script");
    const stops = await world.port.guardSource(ctx);
    expect(stops.map((s) => [s.resource, s.manager])).toEqual([
      ["CronJob batch/nightly", "kubectl-edit"],
      ["Deployment ops/singleton", "deploy-script"],
    ]);
    expect(suspendOf(world.source, "batch", "nightly")).toBe(true);
    const singleton = world.source.objects.get("apps/v1", "Deployment", "singleton", "ops");
    expect((singleton?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    expect(await world.port.guardSource(ctx)).toEqual([]);
  });
});
