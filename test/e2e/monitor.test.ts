// The e2e tooling can fail: the invariant monitor and the snapshot comparison catch each kind of breakage
// when the world is broken by hand (no migration; the hosts' fixtures are edited directly).

import type { KubeObject } from "@hikkoshi/test-hosts/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInvariantMonitor } from "./support/monitor.js";
import { rollbackDifferences, snapshotWorld } from "./support/snapshot.js";
import { waitUntil } from "./support/wait.js";
import { type E2eWorld, startE2eWorld } from "./support/world.js";

let e: E2eWorld;
beforeAll(async () => {
  e = await startE2eWorld({ strategy: "cnameSwap" });
});
afterAll(async () => {
  await e?.close();
});

const copy = (o: KubeObject | undefined): KubeObject => {
  if (!o) throw new Error("fixture missing");
  const c = structuredClone(o);
  c.metadata = { name: o.metadata?.name, namespace: o.metadata?.namespace, labels: o.metadata?.labels };
  delete c.status;
  return c;
};

describe("the invariant monitor and the snapshot catch a broken world", () => {
  it("reports a forbidden CronJob and a singleton running on both clusters, and a schedule run twice", async () => {
    const monitor = startInvariantMonitor(e.world);
    try {
      // An unsuspended copy of a running forbidden CronJob on the new cluster: both run every host minute.
      e.world.new.objects.put(copy(e.world.old.objects.get("batch/v1", "CronJob", "ledger-close", "ops")));
      e.world.new.objects.put(
        copy(e.world.old.objects.get("apps/v1", "Deployment", "payments-singleton", "ops")),
      );
      await waitUntil(
        () => monitor.violations.some((v) => v.includes("(c) schedule ops/ledger-close@")),
        "a double run to be reported",
        20_000,
      );
    } finally {
      monitor.stop();
    }
    expect(monitor.violations.join("\n")).toMatch(
      /\(a\) forbidden CronJob ops\/ledger-close unsuspended on both/,
    );
    expect(monitor.violations.join("\n")).toMatch(
      /\(a\) forbidden Deployment ops\/payments-singleton has pods on both/,
    );
    e.world.new.objects.delete("batch/v1", "CronJob", "ledger-close", "ops");
    e.world.new.objects.delete("apps/v1", "Deployment", "payments-singleton", "ops");
  });

  it("reports DNS pointing at a cluster with an unready Deployment, or at a name of neither cluster", async () => {
    const monitor = startInvariantMonitor(e.world);
    try {
      e.world.old.objects.update("apps/v1", "Deployment", "web-svc-0", "web", (o) => {
        (o.spec as { replicas: number }).replicas = 5;
      });
      const www = e.world.route53.recordSets(e.world.zoneId).find((r) => r.Name === "www.example.com.");
      e.world.route53.putRecordSets(e.world.zoneId, [
        { ...www!, Name: "shop.example.com.", ResourceRecords: [{ Value: "elsewhere.example.net" }] },
      ]);
      await waitUntil(() => monitor.violations.length >= 3, "DNS violations to be reported", 10_000);
    } finally {
      monitor.stop();
      e.world.route53.removeRecordSets(e.world.zoneId, "shop.example.com.");
    }
    const all = monitor.violations.join("\n");
    expect(all).toMatch(
      /\(b\) www\.example\.com\. points at production-20251101 while 1 Deployment\(s\) there are not ready \(web\/web-svc-0\)/,
    );
    expect(all).toMatch(
      /\(b\) shop\.example\.com\. points at elsewhere\.example\.net, a name of neither cluster/,
    );
  });

  it("the rollback comparison reports changed records, flags, replicas and leftovers", () => {
    const before = snapshotWorld(e.world);
    const www = e.world.route53.recordSets(e.world.zoneId).find((r) => r.Name === "www.example.com.")!;
    e.world.route53.putRecordSets(e.world.zoneId, [{ ...www, TTL: 60 }]);
    e.world.old.objects.update("batch/v1", "CronJob", "invoice-run", "ops", (o) => {
      (o.spec as { startingDeadlineSeconds?: number }).startingDeadlineSeconds = 10;
    });
    e.world.old.objects.update("apps/v1", "Deployment", "batch-svc-1", "batch", (o) => {
      (o.spec as { replicas: number }).replicas = 0;
    });
    e.world.old.objects.put({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "hikkoshi-retired", namespace: "kube-public" },
      data: {},
    });
    const restored = copy(e.world.old.objects.get("batch/v1", "CronJob", "ledger-close", "ops"));
    e.world.new.objects.put(restored);
    const diff = rollbackDifferences(before, snapshotWorld(e.world));
    expect(diff).toHaveLength(5);
    expect(diff.join("\n")).toMatch(/DNS record sets differ/);
    expect(diff.join("\n")).toMatch(/old: CronJob ops\/invoice-run was .*"startingDeadlineSeconds":90/);
    expect(diff.join("\n")).toMatch(/old: Deployment batch\/batch-svc-1 had 2 replicas, has 0/);
    expect(diff.join("\n")).toMatch(/old: retired marker left behind/);
    expect(diff.join("\n")).toMatch(/new: restored forbidden CronJob ops\/ledger-close is not suspended/);
  });
});
