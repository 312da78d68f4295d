// The handoff's batched reads are label-selected lists; a CronJob missing from one is read by name before
// anything is decided from its absence. Here the forbidden label is removed after the snapshot (a GitOps
// sync dropping it, a hand edit): from the source copy of one CronJob, from the target copy of another.
// The handoff still stops the first on the source before starting it, starts the second, and reads both
// back: nothing runs on both clusters, and the fallback reads are the only gets it sends.

import { activeOnBoth } from "@hikkoshi/test-hosts/kube";
import { afterEach, describe, expect, it } from "vitest";
import { cronJob, envContext, FORBIDDEN, never, noProgress, startWorld, type World } from "./support.js";

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const dropLabel = (world: World, side: "source" | "target", name: string) =>
  world[side].objects.update("batch/v1", "CronJob", name, "billing", (o) => {
    o.metadata = { ...o.metadata, labels: {} };
  });

describe("handoff reads", () => {
  it("reads by name what a label-selected list does not show, and never takes it for gone", async () => {
    w = await startWorld();
    const names = ["ledger", "invoice", "payroll"];
    for (const name of names) {
      w.source.objects.put(cronJob("billing", name, { labels: FORBIDDEN }));
      w.target.objects.put(cronJob("billing", name, { labels: FORBIDDEN, suspend: true }));
    }
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    dropLabel(w, "source", "ledger");
    dropLabel(w, "target", "invoice");
    for (const h of [w.source, w.target]) h.stats.reset();

    const report = await w.port.handoff(ctx, snapshot, noProgress, never());

    expect(report.cronJobsMoved).toBe(names.length);
    for (const name of names) {
      expect(w.source.objects.get("batch/v1", "CronJob", name, "billing")?.spec?.suspend, name).toBe(true);
      expect(w.target.objects.get("batch/v1", "CronJob", name, "billing")?.spec?.suspend, name).toBe(false);
    }
    expect(activeOnBoth(w.source.activity, w.target.activity)).toEqual([]);
    // ledger: before its stop and after its settle on the source; invoice: before its start and in the
    // read-back on the target.
    expect(w.source.stats.byVerb.get).toBe(2);
    expect(w.target.stats.byVerb.get).toBe(2);
  });
});

describe("handoff writes", () => {
  it("carries lastScheduleTime with the listed resourceVersion: a newer time written since is a 409, kept, never overwritten", async () => {
    // A settle pause long enough to write on the target between its list and the carry.
    w = await startWorld({ poll: { settleMs: 400 } });
    const world = w;
    const past = "2026-12-02T06:55:00Z";
    world.source.objects.put(
      cronJob("billing", "ledger", { labels: FORBIDDEN, status: { lastScheduleTime: past } }),
    );
    world.target.objects.put(cronJob("billing", "ledger", { labels: FORBIDDEN, suspend: true }));
    // Restored before the latest schedule (as by a backup taken an hour ago): the carry is needed. A copy
    // created after it would need none (the controller counts from creationTimestamp then).
    const restored = world.target.store.get("batch/cronjobs", "billing", "ledger")!;
    restored.metadata = { ...restored.metadata, creationTimestamp: "2026-12-02T06:00:00Z" };
    world.target.store.write("batch/cronjobs", restored);
    // Later than anything the handoff would carry (the latest schedule up to a moment from now).
    const newer = new Date(Math.ceil((Date.now() + 600_000) / 300_000) * 300_000)
      .toISOString()
      .replace(".000Z", "Z");
    const off = world.source.store.onChange((e) => {
      if (e.object.metadata?.name !== "ledger" || (e.object.spec as { suspend?: boolean }).suspend !== true)
        return;
      off();
      // During the settle pause after the stop: long after the target was listed, before the carry.
      setTimeout(() => {
        world.target.objects.update("batch/v1", "CronJob", "ledger", "billing", (o) => {
          o.status = { ...o.status, lastScheduleTime: newer };
        });
      }, 100);
    });
    const ctx = envContext();
    const snapshot = await world.port.snapshotForbidden(ctx);
    world.target.stats.reset();
    const report = await world.port.handoff(ctx, snapshot, noProgress, never());

    expect(world.target.stats.byStatus["409"]).toBe(1);
    const tgt = world.target.objects.get("batch/v1", "CronJob", "ledger", "billing");
    expect(tgt?.status?.lastScheduleTime).toBe(newer);
    expect(tgt?.spec?.suspend).toBe(false);
    expect(report.gaps).toHaveLength(1);
    // The controller counts from the newer time, and the report says so.
    expect(tgt?.metadata?.annotations?.["hikkoshi.dev/handoff-carried"]).toBe(
      `${ctx.migrationId} ${new Date(Date.parse(newer)).toISOString()}`,
    );
  });
});
