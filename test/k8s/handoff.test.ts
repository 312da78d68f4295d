// Handoff of 800 CronJobs (60 forbidden) between two test hosts through the real client, with latency and
// 1% transient errors: never unsuspended on both clusters (monitored throughout), no schedule runs on both,
// originals restored exactly by the compensation.

import { activeOnBoth, observedGap, ScaledClock } from "@hikkoshi/test-hosts/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError } from "../../src/k8s/runtime.js";
import type { ForbiddenSnapshot } from "../../src/migration/ports.js";
import { doubleRuns, monitorSuspend } from "./monitor.js";
import {
  cronJob,
  envContext,
  FORBIDDEN,
  never,
  noProgress,
  startWorld,
  TOLERANT,
  type World,
} from "./support.js";

const NAMESPACES = 10;
const TOTAL = 800;
const FORBIDDEN_COUNT = 60;
const ctx = envContext("handoff: { concurrency: 16, requestsPerSecond: 400, activeJobsTimeoutMinutes: 0.5 }");

interface Spec {
  namespace: string;
  name: string;
  forbidden: boolean;
  suspended: boolean;
  sds?: number;
}

function estate(): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const forbidden =
      i % Math.floor(TOTAL / FORBIDDEN_COUNT) === 0 &&
      out.filter((s) => s.forbidden).length < FORBIDDEN_COUNT;
    const f = out.filter((s) => s.forbidden).length;
    out.push({
      namespace: `team-${i % NAMESPACES}`,
      name: `job-${String(i).padStart(3, "0")}`,
      forbidden,
      // 5 forbidden ones are suspended on purpose on the source: they must stay suspended everywhere.
      suspended: forbidden && f < 5,
      ...(forbidden && f % 7 === 3 ? { sds: 300 } : {}),
    });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CronJob handoff at scale", () => {
  let w: World;
  const specs = estate();
  const forbidden = specs.filter((s) => s.forbidden);
  const forbiddenKeys = new Set(forbidden.map((s) => `${s.namespace}/${s.name}`));
  let snapshot: ForbiddenSnapshot;

  beforeAll(async () => {
    // One host minute every 2 real seconds: `* * * * *` schedules fire during the test.
    const clock = new ScaledClock(30);
    const controllers = { cronJobs: { tickMs: 10, jobDurationMs: 45_000 } };
    w = await startWorld({ source: { clock, ...controllers }, target: { clock, ...controllers } });
    for (const s of specs) {
      const labels = s.forbidden ? FORBIDDEN : TOLERANT;
      const schedule = s.forbidden ? "* * * * *" : "0 0 1 1 *";
      const opts = { schedule, labels, ...(s.sds ? { startingDeadlineSeconds: s.sds } : {}) };
      w.source.objects.put(cronJob(s.namespace, s.name, { ...opts, suspend: s.suspended }));
      // The target copy as the forbidden restore leaves it: suspended, no status.
      w.target.objects.put(
        cronJob(s.namespace, s.name, { ...opts, suspend: s.forbidden ? true : s.suspended }),
      );
    }
    // Let the source run its schedules so lastScheduleTime is set (and some Jobs are active).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && w.source.cronJobEvents.length < FORBIDDEN_COUNT - 5) await sleep(50);
    snapshot = await w.port.snapshotForbidden(ctx);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("snapshots exactly the forbidden CronJobs, with both sides' originals", () => {
    expect(snapshot.cronJobs).toHaveLength(FORBIDDEN_COUNT);
    const withSds = snapshot.cronJobs.filter((c) => c.source?.startingDeadlineSeconds === 300);
    expect(withSds.length).toBe(forbidden.filter((s) => s.sds).length);
    expect(snapshot.cronJobs.filter((c) => c.source?.suspend === true)).toHaveLength(5);
    expect(snapshot.cronJobs.every((c) => c.target?.suspend === true)).toBe(true);
    expect(w.source.cronJobEvents.length).toBeGreaterThan(0);
  });

  it("moves them with faults, never unsuspended on both, no schedule run twice, and reverts exactly", async () => {
    for (const h of [w.source, w.target]) h.faults.set({ latencyMs: 2, errorRate: 0.01, seed: 42 });
    // And some throttling with Retry-After on the target's CronJob writes.
    w.target.faults.throttle(3, 1, { resource: "cronjobs.batch", verbs: ["patch"] });
    const monitor = monitorSuspend(w.source, w.target, forbidden);
    const progress: Array<[number, number, string]> = [];
    try {
      const report = await w.port.handoff(
        ctx,
        snapshot,
        (d, t, u) => {
          progress.push([d, t, u]);
        },
        never(),
      );
      expect(report.cronJobsMoved).toBe(FORBIDDEN_COUNT);
      expect(report.gaps).toHaveLength(FORBIDDEN_COUNT - 5);
      expect(report.gaps.every((g) => g.gapMs >= 0 && g.gapMs < 20_000)).toBe(true);
      // Each reported gap is the one the clusters lived through (host-observed suspend/unsuspend). A mark
      // is the moment its request was sent; here the client shares one event loop with both hosts and
      // their controllers over 800 CronJobs, so a request can wait there longer than on a network: 1 s.
      for (const g of report.gaps) {
        const [ns, name] = g.resource.replace("CronJob ", "").split("/") as [string, string];
        const seen = observedGap(w.source.activity, w.target.activity, "CronJob", ns, name);
        expect(seen, g.resource).toBeDefined();
        expect(Math.abs(seen!.gapMs - g.gapMs), g.resource).toBeLessThan(1_000);
      }
      expect(activeOnBoth(w.source.activity, w.target.activity, forbiddenKeys)).toEqual([]);
      expect(
        progress
          .filter((p) => p[2] === "CronJobs")
          .at(-1)
          ?.slice(0, 2),
      ).toEqual([FORBIDDEN_COUNT, FORBIDDEN_COUNT]);
      // The faults really happened, and were retried.
      expect((w.source.stats.byStatus["500"] ?? 0) + (w.target.stats.byStatus["500"] ?? 0)).toBeGreaterThan(
        0,
      );
      expect(w.target.stats.byStatus["429"]).toBe(3);

      for (const s of forbidden) {
        const src = w.source.objects.get("batch/v1", "CronJob", s.name, s.namespace);
        const tgt = w.target.objects.get("batch/v1", "CronJob", s.name, s.namespace);
        expect(src?.spec?.suspend, `${s.name} on source`).toBe(true);
        expect(tgt?.spec?.suspend, `${s.name} on target`).toBe(s.suspended);
      }
      // A retried handoff (worker crash) converges without starting anything twice, and reports the same
      // gaps: the stop and start moments are read back from the objects, not stamped again.
      const writesBefore = w.target.activity.changes.length;
      const again = await w.port.handoff(ctx, snapshot, noProgress, never());
      const byName = (a: { resource: string }, b: { resource: string }) =>
        a.resource.localeCompare(b.resource);
      expect([...again.gaps].sort(byName)).toEqual([...report.gaps].sort(byName));
      expect(w.target.activity.changes.length).toBe(writesBefore);

      // Let the target run a couple of host minutes: its runs continue the source's, never repeat them.
      await sleep(4_500);
      const started = new Set(w.target.cronJobEvents.map((e) => `${e.namespace}/${e.cronJob}`));
      expect(started.size).toBeGreaterThan(0);
      expect(doubleRuns(w.source, w.target, forbiddenKeys)).toEqual([]);

      await w.port.revertHandoff(ctx, snapshot, noProgress);
      for (const c of snapshot.cronJobs) {
        const src = w.source.objects.get("batch/v1", "CronJob", c.name, c.namespace);
        const tgt = w.target.objects.get("batch/v1", "CronJob", c.name, c.namespace);
        expect({
          suspend: src?.spec?.suspend === true,
          startingDeadlineSeconds: src?.spec?.startingDeadlineSeconds ?? null,
        }).toEqual(c.source);
        expect({
          suspend: tgt?.spec?.suspend === true,
          startingDeadlineSeconds: tgt?.spec?.startingDeadlineSeconds ?? null,
        }).toEqual(c.target);
      }
      // After the rollback the source resumes where the target left off: still no schedule twice.
      await sleep(4_500);
      expect(doubleRuns(w.source, w.target, forbiddenKeys)).toEqual([]);
      expect(doubleRuns(w.target, w.source, forbiddenKeys)).toEqual([]);
    } finally {
      monitor.stop();
      for (const h of [w.source, w.target]) await h.faults.clear();
    }
    expect(monitor.checks).toBeGreaterThan(1000);
    expect(monitor.violations).toEqual([]);
  });

  it("stops starting items when aborted, finishes in-flight ones, throws AbortError, and reverts cleanly", async () => {
    const fresh = await w.port.snapshotForbidden(ctx);
    const monitor = monitorSuspend(w.source, w.target, forbidden);
    const abort = new AbortController();
    for (const h of [w.source, w.target]) h.faults.set({ latencyMs: 5 });
    let done = 0;
    // A narrow window (4 in flight, so at most 16 CronJobs at once) leaves items not yet started at the abort.
    const narrow = envContext(
      "handoff: { concurrency: 4, requestsPerSecond: 400, activeJobsTimeoutMinutes: 0.5 }",
    );
    const run = w.port.handoff(
      narrow,
      fresh,
      (d) => {
        done = d;
      },
      abort.signal,
    );
    setTimeout(() => abort.abort(), 40);
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(done).toBeLessThan(FORBIDDEN_COUNT);
    await w.port.revertHandoff(ctx, fresh, noProgress);
    monitor.stop();
    await w.source.faults.clear();
    await w.target.faults.clear();
    for (const c of fresh.cronJobs) {
      const src = w.source.objects.get("batch/v1", "CronJob", c.name, c.namespace);
      expect(src?.spec?.suspend === true).toBe(c.source?.suspend);
    }
    expect(monitor.violations).toEqual([]);
  });
});
