// REQUESTS.md #1: the Job simulator's deferred start write ("active: 1") must never land on a Job that
// has already finished. Reproduced deterministically: a ManualClock moved past the Job's deadline and the
// controller's pass run before the deferred start write gets its turn (the event loop is "busy" with the
// synchronous block of the test), either by calling tick() directly or by blocking the loop so the
// controller's own interval fires before the deferred write.

import { afterEach, describe, expect, it } from "vitest";
import { type KubeHost, ManualClock, startKubeHost } from "../../src/kube/index.js";
import type { KubeObject } from "../../src/kube/types.js";
import { cronJob } from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const START = Date.parse("2026-01-01T10:00:30Z");
const DURATION = 1_000;

/** Keeps the event loop busy (no timer can run) for `ms` of wall time. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

function job(name: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "race" },
    spec: {
      template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } },
    },
  };
}

interface JobStatusView {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  conditions?: Array<{ type?: string; status?: string }>;
}

const statusOf = (o: KubeObject | undefined): JobStatusView => (o?.status ?? {}) as JobStatusView;
const conditionTypes = (o: KubeObject | undefined) =>
  (statusOf(o).conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);

describe("Job simulator: a late start write never overwrites a finished Job", () => {
  let host: KubeHost | undefined;
  let clock: ManualClock;

  async function start(tickMs: number): Promise<KubeHost> {
    clock = new ManualClock(START);
    host = await startKubeHost({
      name: "race-20260101",
      clock,
      workloads: false,
      cronJobs: { tickMs, jobDurationMs: DURATION },
    });
    host.objects.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "race" } });
    await sleep(20);
    return host;
  }

  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it("tick() before the deferred start: the Job stays Complete, startTime is its creation time", async () => {
    const h = await start(60_000);
    // One synchronous block, as when the event loop is busy: created, due, finished.
    h.objects.put(job("direct"));
    clock.advance(DURATION);
    h.cronJobs?.tick();
    expect(conditionTypes(h.objects.get("batch/v1", "Job", "direct", "race"))).toContain("Complete");
    await sleep(30); // the deferred start write runs now
    const done = h.objects.get("batch/v1", "Job", "direct", "race");
    expect(conditionTypes(done)).toEqual(["SuccessCriteriaMet", "Complete"]);
    expect(statusOf(done).active).toBeUndefined();
    expect(statusOf(done).succeeded).toBe(1);
    expect(statusOf(done).startTime).toBe("2026-01-01T10:00:30Z");
    expect(statusOf(done).completionTime).toBe("2026-01-01T10:00:31Z");
    // Later passes leave it alone.
    clock.advance(DURATION);
    h.cronJobs?.tick();
    expect(h.objects.get("batch/v1", "Job", "direct", "race")?.metadata?.resourceVersion).toBe(
      done?.metadata?.resourceVersion,
    );
  });

  it("blocked event loop: the controller's own interval runs before the deferred start write", async () => {
    const h = await start(5);
    busy(12); // the 5 ms interval is now overdue, ahead of any timer set from here on
    h.objects.put(job("blocked"));
    clock.advance(DURATION);
    busy(5); // the deferred start (1 ms timer) is due too, but expires after the interval
    await sleep(40);
    const done = h.objects.get("batch/v1", "Job", "blocked", "race");
    expect(conditionTypes(done)).toEqual(["SuccessCriteriaMet", "Complete"]);
    expect(statusOf(done).active).toBeUndefined();
    expect(statusOf(done).startTime).toBe("2026-01-01T10:00:30Z");
  });

  it("the owning CronJob does not keep the finished Job in status.active", async () => {
    const h = await start(60_000);
    h.objects.put(cronJob("every-minute", "race", "* * * * *"));
    await sleep(20);
    clock.set(Date.parse("2026-01-01T10:01:05Z"));
    // One synchronous block: the CronJob creates its Job, the Job is due and finished.
    h.cronJobs?.syncAll();
    const ev = h.cronJobEvents.find((e) => e.cronJob === "every-minute");
    expect(ev?.scheduledTime).toBe("2026-01-01T10:01:00Z");
    clock.advance(DURATION);
    h.cronJobs?.tick();
    await sleep(30); // deferred start write and the CronJob's re-sync
    h.cronJobs?.syncAll();
    const jobObj = h.objects.get("batch/v1", "Job", ev?.job ?? "", "race");
    expect(conditionTypes(jobObj)).toContain("Complete");
    expect(statusOf(jobObj).active).toBeUndefined();
    const cj = h.objects.get("batch/v1", "CronJob", "every-minute", "race");
    const cjStatus = (cj?.status ?? {}) as { active?: unknown[]; lastSuccessfulTime?: string };
    expect(cjStatus.active).toBeUndefined();
    expect(cjStatus.lastSuccessfulTime).toBe("2026-01-01T10:01:06Z");
  });
});
