// The handoff of duplication-forbidden Deployments (singletons), one at a time: scaled to 0 on the source
// with its stop mark, pods gone, then scaled up on the target with its start mark; never running on both,
// the reported gap is the one the hosts observed, and a retry reports the same gap.

import { activeOnBoth, observedGap } from "@hikkoshi/test-hosts/kube";
import { afterEach, describe, expect, it } from "vitest";
import { deployment, envContext, FORBIDDEN, never, noProgress, startWorld, type World } from "./support.js";

describe("forbidden Deployment handoff", () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it("stops each on the source until its pods are gone, then starts it on the target, with true gaps", async () => {
    const workloads = { readyDelayMs: 300 };
    w = await startWorld({ source: { workloads }, target: { workloads } });
    const names = ["ledger", "invoicer", "mailer"];
    for (const name of names) {
      w.source.objects.put(deployment("billing", name, { replicas: 1, labels: FORBIDDEN }));
      w.target.objects.put(deployment("billing", name, { replicas: 0, labels: FORBIDDEN }));
    }
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    const report = await w.port.handoff(ctx, snapshot, noProgress, never());
    expect(report.deploymentsMoved).toBe(3);
    expect(report.gaps).toHaveLength(3);
    for (const name of names) {
      const src = w.source.objects.get("apps/v1", "Deployment", name, "billing");
      const tgt = w.target.objects.get("apps/v1", "Deployment", name, "billing");
      expect((src?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
      expect((src?.status as { replicas?: number } | undefined)?.replicas ?? 0).toBe(0);
      expect((tgt?.spec as { replicas?: number } | undefined)?.replicas).toBe(1);
      const g = report.gaps.find((x) => x.resource === `Deployment billing/${name}`)!;
      const seen = observedGap(w.source.activity, w.target.activity, "Deployment", "billing", name)!;
      expect(Math.abs(g.gapMs - seen.gapMs), name).toBeLessThan(500);
      // It waited for its pods to go, so the gap covers their termination.
      expect(g.gapMs).toBeGreaterThan(0);
    }
    expect(activeOnBoth(w.source.activity, w.target.activity)).toEqual([]);
    const again = await w.port.handoff(ctx, snapshot, noProgress, never());
    const byName = (a: { resource: string }, b: { resource: string }) => a.resource.localeCompare(b.resource);
    expect([...again.gaps].sort(byName)).toEqual([...report.gaps].sort(byName));
  }, 60_000);
});
