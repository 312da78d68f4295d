// Backup on the source and restore on the target through Velero on two test hosts sharing a bucket:
// tolerant resources restored as they were, forbidden ones restored suspended / at 0 replicas, no Jobs or
// Pods, the target's NEW ingress hostname read back, idempotent names, failures reported with counts.

import { buildEstate } from "@hikkoshi/test-hosts/kube/estate";
import type { VeleroStore as VeleroStoreType } from "@hikkoshi/test-hosts/kube/velero/store";
import { VeleroStore } from "@hikkoshi/test-hosts/kube/velero/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployment, envContext, FORBIDDEN, never, noProgress, startWorld, type World } from "./support.js";

const BACKUP = "hikkoshi-production-20261125-1";
const SOURCE_LB = "old-lb.us-east-1.elb.amazonaws.com";

describe("Velero backup and restore across two clusters", () => {
  let w: World;
  let bucket: VeleroStoreType;
  let forbiddenCronJobs: string[];
  let tolerantCronJobs: string[];
  const ctx = envContext();

  beforeAll(async () => {
    bucket = new VeleroStore();
    const velero = { store: bucket, syncDelayMs: 300 };
    w = await startWorld({ source: { velero }, target: { velero } });
    const estate = buildEstate(w.source.objects, { namespaces: 4, cronJobs: 40, ingressHostname: SOURCE_LB });
    forbiddenCronJobs = estate.forbiddenCronJobs;
    tolerantCronJobs = estate.cronJobs.filter((c) => !forbiddenCronJobs.includes(c));
    w.source.objects.put(deployment("billing", "invoice-singleton", { replicas: 1, labels: FORBIDDEN }));
    w.source.objects.put({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { namespace: "billing", name: "one-off-migration" },
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "busybox" }] } } },
    });
  });
  afterAll(async () => w?.close());

  it("backs up once, even when called twice", async () => {
    const report = await w.port.backup(ctx, BACKUP, noProgress, never());
    expect(report).toMatchObject({ name: BACKUP, phase: "Completed", errors: 0 });
    expect(report.describeCommand).toBe(`velero backup describe ${BACKUP} --details`);
    expect(report.itemsBackedUp).toBeGreaterThan(40);
    const again = await w.port.backup(ctx, BACKUP, noProgress, never());
    expect(again.phase).toBe("Completed");
    const backups = w.source.objects.list("velero.io/v1", "Backup", "velero");
    expect(backups.map((b) => b.metadata?.name)).toEqual([BACKUP]);
    expect(backups[0]?.metadata?.labels?.["hikkoshi.dev/migration"]).toBe("production-20261125-1");
    expect(backups[0]?.spec?.excludedNamespaces).toEqual(ctx.env.excludedNamespaces);
  });

  it("restores tolerant resources, then forbidden ones suspended, and reads the new ingress hostname", async () => {
    const report = await w.port.restore(ctx, BACKUP, noProgress, never());
    expect(report.restores.map((r) => [r.name, r.phase])).toEqual([
      ["hikkoshi-production-20261125-1-tolerant", "Completed"],
      ["hikkoshi-production-20261125-1-forbidden", "Completed"],
    ]);
    expect(report.targetIngressHostname).toMatch(/elb\.amazonaws\.com$/);
    expect(report.targetIngressHostname).not.toBe(SOURCE_LB);

    const cj = (key: string) => {
      const [ns, name] = key.split("/") as [string, string];
      return w.target.objects.get("batch/v1", "CronJob", name, ns);
    };
    expect(forbiddenCronJobs.length).toBeGreaterThan(0);
    for (const key of forbiddenCronJobs) expect(cj(key)?.spec?.suspend, key).toBe(true);
    for (const key of tolerantCronJobs) {
      const [ns, name] = key.split("/") as [string, string];
      const original = w.source.objects.get("batch/v1", "CronJob", name, ns);
      expect(cj(key)?.spec?.suspend ?? false, key).toBe(original?.spec?.suspend ?? false);
    }
    expect(
      w.target.objects.get("apps/v1", "Deployment", "invoice-singleton", "billing")?.spec?.replicas,
    ).toBe(0);
    expect(w.target.objects.list("batch/v1", "Job")).toEqual([]);
    expect(w.target.objects.list("v1", "Pod")).toEqual([]);
    // The tolerant restore never touched a forbidden object.
    const tolerant = w.target.objects.get(
      "velero.io/v1",
      "Restore",
      "hikkoshi-production-20261125-1-tolerant",
      "velero",
    );
    expect(JSON.stringify(tolerant?.spec?.labelSelector)).toContain("NotIn");
  });

  it("is idempotent: a retried restore finds its Restores instead of creating more", async () => {
    const report = await w.port.restore(ctx, BACKUP, noProgress, never());
    expect(report.restores).toHaveLength(2);
    expect(w.target.objects.list("velero.io/v1", "Restore", "velero")).toHaveLength(2);
  });

  it("fails a PartiallyFailed restore with counts, reason and the describe command, unless allowed", async () => {
    const other = envContext("", {}, "production-20261125-2");
    w.target.velero!.inject = {
      restore: (name) => (name.endsWith("-tolerant") ? { phase: "PartiallyFailed", errors: 3 } : undefined),
    };
    const err = await w.port.restore(other, BACKUP, noProgress, never()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain("PartiallyFailed");
    expect(err?.message).toContain("3 errors");
    expect(err?.message).toContain(
      "velero restore describe hikkoshi-production-20261125-2-tolerant --details",
    );

    const lenient = envContext("velero: { allowPartiallyFailed: true }", {}, "production-20261125-3");
    const report = await w.port.restore(lenient, BACKUP, noProgress, never());
    expect(report.restores[0]).toMatchObject({ phase: "PartiallyFailed", errors: 3 });
    w.target.velero!.inject = {};
  });

  it("fails a backup that Velero marks Failed, naming the reason", async () => {
    w.source.velero!.inject = { backup: () => ({ phase: "Failed", failureReason: "bucket unreachable" }) };
    const other = envContext("", {}, "production-20261125-9");
    await expect(w.port.backup(other, "hikkoshi-production-20261125-9", noProgress, never())).rejects.toThrow(
      /Failed.*reason: bucket unreachable.*velero backup describe hikkoshi-production-20261125-9 --details/,
    );
    w.source.velero!.inject = {};
  });

  it("refuses a Velero object of that name owned by another migration", async () => {
    const other = envContext("", {}, "someone-else");
    await expect(w.port.backup(other, BACKUP, noProgress, never())).rejects.toThrow(
      /belongs to migration production-20261125-1/,
    );
  });

  it("times out the backup sync with a hint when the target never sees the backup", async () => {
    const other = envContext("velero: { syncTimeoutMinutes: 0.005 }", {}, "production-20261125-4");
    await expect(w.port.restore(other, "hikkoshi-does-not-exist", noProgress, never())).rejects.toThrow(
      /has not appeared on production-20261125.*backup-location/,
    );
  });
});
