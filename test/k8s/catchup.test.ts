// The CronJob controller's catch-up run (DOMAIN.md): a restored copy has no lastScheduleTime, so a plain
// unsuspend runs the schedule the source already ran. The control shows this host reproduces it; the
// handoff carries lastScheduleTime over (or, when the status subresource is refused, uses a short
// startingDeadlineSeconds and restores the original afterwards) and nothing runs twice.

import { ScaledClock } from "@hikkoshi/test-hosts/kube";
import { afterEach, describe, expect, it } from "vitest";
import { handoffRequests, REQUESTS_PER_CRONJOB } from "../../src/k8s/handoff/budget.js";
import { doubleRuns } from "./monitor.js";
import { cronJob, envContext, FORBIDDEN, never, noProgress, startWorld, type World } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPEED = 30; // one host minute every 2 real seconds

async function world(targetAuthz?: {
  deny: Array<{ verb: string; group: string; resource: string; subresource: string }>;
  enforce: boolean;
}): Promise<World> {
  const clock = new ScaledClock(SPEED);
  const cronJobs = { tickMs: 10, jobDurationMs: 5_000 };
  return startWorld({
    source: { clock, cronJobs },
    target: { clock, cronJobs, ...(targetAuthz ? { authz: targetAuthz } : {}) },
  });
}

/** Source runs every minute; the target copy exists (suspended, no status) from before the source's last run. */
async function arrange(w: World, names: string[]): Promise<void> {
  for (const name of names) {
    w.target.objects.put(cronJob("ops", name, { schedule: "* * * * *", labels: FORBIDDEN, suspend: true }));
    w.source.objects.put(cronJob("ops", name, { schedule: "* * * * *", labels: FORBIDDEN }));
  }
  const want = names.length;
  const deadline = Date.now() + 8_000;
  while (w.source.cronJobEvents.length < want && Date.now() < deadline) await sleep(20);
  expect(w.source.cronJobEvents.length).toBeGreaterThanOrEqual(want);
}

describe("catch-up run prevention", () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it("control: suspending the source and unsuspending a restored copy runs the last schedule twice", async () => {
    w = await world();
    await arrange(w, ["naive"]);
    w.source.objects.update("batch/v1", "CronJob", "naive", "ops", (o) => {
      (o.spec as { suspend: boolean }).suspend = true;
    });
    w.target.objects.update("batch/v1", "CronJob", "naive", "ops", (o) => {
      (o.spec as { suspend: boolean }).suspend = false;
    });
    await sleep(300);
    expect(doubleRuns(w.source, w.target)).not.toEqual([]);
  });

  it("the handoff carries lastScheduleTime over: the target continues, never repeats", async () => {
    w = await world();
    const names = ["a", "b", "c", "d"];
    await arrange(w, names);
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    for (const h of [w.source, w.target]) h.stats.reset();
    const report = await w.port.handoff(ctx, snapshot, noProgress, never());
    expect(report.gaps).toHaveLength(names.length);
    // Exactly the requests budget.ts counts, as the hosts saw them: stop, carry and start per CronJob,
    // and the batched lists (both clusters before, the source after the one wave's settle, the target's
    // read-back). A GET is only a CronJob found running a Job on the source, polled until it ends.
    const seen = (verb: string) => (w!.source.stats.byVerb[verb] ?? 0) + (w!.target.stats.byVerb[verb] ?? 0);
    expect(seen("patch")).toBe(REQUESTS_PER_CRONJOB * names.length);
    expect(seen("list")).toBe(4);
    expect(report.requests).toBe(seen("patch") + seen("list") + seen("get"));
    expect(report.requests - seen("get")).toBe(handoffRequests(names.length, names.length, 1));
    for (const name of names) {
      const src = w.source.objects.get("batch/v1", "CronJob", name, "ops");
      const tgt = w.target.objects.get("batch/v1", "CronJob", name, "ops");
      expect(tgt?.status?.lastScheduleTime, name).toBe(src?.status?.lastScheduleTime);
      // The spec is untouched: no deadline was needed.
      expect(tgt?.spec?.startingDeadlineSeconds, name).toBeUndefined();
    }
    await sleep(4_500); // two more host minutes: the target runs them
    expect(w.target.cronJobEvents.length).toBeGreaterThanOrEqual(names.length);
    expect(doubleRuns(w.source, w.target)).toEqual([]);
  });

  it("a copy restored after the schedule it must not repeat needs no carry: stop and start only", async () => {
    w = await world();
    // Yearly: its latest schedule (1 January) is long before the copy was created, which is where the
    // target's controller counts from when the copy has no lastScheduleTime.
    const yearly = { schedule: "0 0 1 1 *", labels: FORBIDDEN };
    const ranAt = `${new Date(w.source.clock.now()).getUTCFullYear()}-01-01T00:00:00Z`;
    w.source.objects.put(cronJob("ops", "yearly", { ...yearly, status: { lastScheduleTime: ranAt } }));
    w.target.objects.put(cronJob("ops", "yearly", { ...yearly, suspend: true }));
    const ctx = envContext();
    const snapshot = await w.port.snapshotForbidden(ctx);
    for (const h of [w.source, w.target]) h.stats.reset();
    const report = await w.port.handoff(ctx, snapshot, noProgress, never());
    expect(report.gaps).toHaveLength(1);
    expect(w.source.stats.byVerb.patch).toBe(1); // the stop
    expect(w.target.stats.byVerb.patch).toBe(1); // the start: no status write
    const tgt = w.target.objects.get("batch/v1", "CronJob", "yearly", "ops");
    expect(tgt?.spec?.suspend).toBe(false);
    expect(tgt?.status?.lastScheduleTime).toBeUndefined();
    expect(Date.parse(tgt?.metadata?.creationTimestamp ?? "")).toBeGreaterThan(Date.parse(ranAt));
    expect(tgt?.spec?.startingDeadlineSeconds).toBeUndefined();
  });

  it("falls back to a short startingDeadlineSeconds when the status subresource is refused, then restores it", async () => {
    w = await world({
      deny: [{ verb: "patch", group: "batch", resource: "cronjobs", subresource: "status" }],
      enforce: true,
    });
    await arrange(w, ["fallback"]);
    // Start well after the source's last run (more than 10 host seconds), as a real handoff takes seconds.
    const last = w.source.cronJobEvents.at(-1)!;
    while (w.source.clock.now() - last.scheduledMs < 20_000) await sleep(20);
    const ctx = envContext();
    const seen: Array<number | undefined> = [];
    const off = w.target.store.onChange((e) => {
      if (e.resource === "batch/cronjobs")
        seen.push((e.object.spec as { startingDeadlineSeconds?: number }).startingDeadlineSeconds);
    });
    const snapshot = await w.port.snapshotForbidden(ctx);
    await w.port.handoff(ctx, snapshot, noProgress, never());
    off();
    expect(seen).toContain(10);
    const tgt = w.target.objects.get("batch/v1", "CronJob", "fallback", "ops");
    expect(tgt?.spec?.suspend).toBe(false);
    expect(tgt?.spec?.startingDeadlineSeconds).toBeUndefined();
    expect(w.target.stats.byStatus["403"]).toBeGreaterThanOrEqual(1);
    expect(doubleRuns(w.source, w.target)).toEqual([]);
  }, 40_000);
});
