// The GitOps preflight probe over the real client: what manages the forbidden resources on both clusters,
// named per controller, as warnings with the fix; blocking where hikkoshi may not pause a controller.

import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/migration/types.js";
import { useGitOpsClusters } from "./gitopsFixtures.js";
import { envContext, TARGET } from "./support.js";

const clusters = useGitOpsClusters();

const gitops = (fs: Finding[]) => fs.filter((f) => f.code.startsWith("gitops-"));

describe("GitOps preflight", () => {
  it("warns per cluster which controllers would revert the handoff or the decommission, naming what they manage", async () => {
    const { world } = await clusters.withGitOps();
    const findings = gitops(await world.port.preflight(envContext()));
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.message.split(":")[0]}`)).toEqual([
      "warning gitops-reverts-decommission 2 GitOps controller(s) on production-20251101 would scale the decommissioned workloads back up",
      "warning gitops-reverts-handoff 2 GitOps controller(s) on production-20251101 would un-suspend duplication-forbidden resources hikkoshi stopped there",
      "warning gitops-reverts-handoff 2 GitOps controller(s) on production-20261125 would start the duplication-forbidden resources hikkoshi restores suspended, beside the source",
    ]);
    const sourceHandoff = findings[1];
    expect(sourceHandoff?.subjects).toEqual([
      "Application argocd/ops (reverts within seconds) manages CronJob ops/ledger-close, Deployment ops/singleton",
      "Kustomization flux-system/batch (reverts within seconds) manages CronJob batch/nightly",
    ]);
    expect(sourceHandoff?.fix).toMatch(/argocd app set argocd\/ops --sync-policy none/);
  });

  it("blocks when hikkoshi may not patch a controller it would have to pause", async () => {
    const { world } = await clusters.withGitOps({
      target: {
        authz: {
          deny: [{ verb: "patch", group: "kustomize.toolkit.fluxcd.io", resource: "kustomizations" }],
        },
      },
    });
    const blocking = gitops(await world.port.preflight(envContext())).filter(
      (f) => f.severity === "blocking",
    );
    expect(blocking).toEqual([
      expect.objectContaining({
        code: "gitops-missing-permissions",
        message: `hikkoshi may not pause the GitOps controllers on ${TARGET} that would revert the migration`,
        subjects: ["patch Kustomization flux-system/batch"],
      }),
    ]);
  });

  it("says nothing about GitOps on clusters without it", async () => {
    const world = await clusters.bare();
    expect(gitops(await world.port.preflight(envContext()))).toEqual([]);
  });
});
