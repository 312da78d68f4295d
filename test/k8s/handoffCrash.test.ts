// The handoff with its worker SIGKILLed at three points (some CronJobs stopped; all stopped and none
// started, the target's API being down; half started), each in a whole migration against two test hosts
// with the worker in a child process on the production lock settings. After each: no forbidden CronJob
// was active on both clusters at any moment, every reported gap equals what the hosts lived through
// within 0.5 s, the restarted worker continued within 15 s (from the hosts' recorded write times), and a
// schedule that fell in a gap ran once on the target for `hikkoshi.dev/missed-run=run-once`, nowhere for
// the others.

import { activeOnBoth, type KubeHost, observedGap } from "@hikkoshi/test-hosts/kube";
import { Queue } from "bullmq";
import { CronExpressionParser } from "cron-parser";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { STEP_QUEUE, stepJobId } from "../../src/jobs/stepJobs.js";
import { MISSED_RUN_LABEL } from "../../src/k8s/handoff/schedule.js";
import type { HandoffReport } from "../../src/migration/ports.js";
import { DATA } from "../../src/migration/steps/dataKeys.js";
import { waitForGate } from "../support/engineHarness.js";
import { waitFor } from "../support/waitFor.js";
import { ALICE, BOB, type EngineWorld, startEngineWorld } from "./engineWorld.js";
import { doubleRuns } from "./monitor.js";
import { cronJob, FORBIDDEN } from "./support.js";

const SCHEDULE = "*/5 * * * * *"; // every 5 s: a crash's gap always covers one
const COUNT = 12;
const RUN_ONCE = new Set(["cj-00", "cj-01"]);
const names = Array.from({ length: COUNT }, (_, i) => `cj-${String(i).padStart(2, "0")}`);
const keys = new Set(names.map((n) => `billing/${n}`));

let w: EngineWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const stops = (h: KubeHost) =>
  h.activity.changes.filter((c) => c.kind === "CronJob" && keys.has(c.key) && !c.active);
const starts = (h: KubeHost) =>
  h.activity.changes.filter((c) => c.kind === "CronJob" && keys.has(c.key) && c.active);

/** Schedule times t with from < t <= to. */
function timesBetween(from: number, to: number): number[] {
  const expr = CronExpressionParser.parse(SCHEDULE, { currentDate: new Date(from), tz: "UTC" });
  const out: number[] = [];
  for (let t = expr.next().getTime(); t <= to; t = expr.next().getTime()) out.push(t);
  return out;
}

async function crashScenario(killWhen: (w: EngineWorld) => boolean): Promise<void> {
  w = await startEngineWorld({
    handoff: "{ concurrency: 4, requestsPerSecond: 50, activeJobsTimeoutMinutes: 1 }",
    cronJobs: { tickMs: 10, jobDurationMs: 400 },
  });
  const world = w;
  const createdAt = Date.now(); // no schedule before this can have been missed
  for (const name of names) {
    const labels = { ...FORBIDDEN, ...(RUN_ONCE.has(name) ? { [MISSED_RUN_LABEL]: "run-once" } : {}) };
    world.source.objects.put(cronJob("billing", name, { schedule: SCHEDULE, labels }));
  }
  await world.startWorker();
  const started = await world.engine.commands.start("production", ALICE);
  if (!started.ok) throw new Error(started.rejection.message);
  const id = started.value.id;
  await waitForGate(world.engine, id, "gate-cutover", 120_000);

  const approved = await world.engine.commands.approve({ env: "production" }, BOB);
  if (!approved.ok) throw new Error(approved.rejection.message);
  await waitFor(() => killWhen(world), "the kill point", 60_000, 2);
  await world.killWorker();
  const killedAt = Date.now();
  const restartedAt = await world.startWorker();

  await waitForGate(world.engine, id, "gate-decommission", 120_000);
  const report = await world.engine.store.dataGet<HandoffReport>(id, DATA.handoff);
  if (!report) throw new Error("no handoff report stored");

  // Never active on both clusters, at any recorded moment.
  expect(activeOnBoth(world.source.activity, world.target.activity, keys)).toEqual([]);
  expect(report.cronJobsMoved).toBe(COUNT);

  // The handoff continued within 15 s of the restart (the hosts' own write times).
  const firstAfter = [...stops(world.source), ...starts(world.target)]
    .map((c) => c.wallMs)
    .filter((t) => t >= restartedAt)
    .sort((a, b) => a - b)[0];
  expect(firstAfter, "a handoff write after the restart").toBeDefined();
  expect(firstAfter! - restartedAt).toBeLessThanOrEqual(15_000);
  expect(restartedAt).toBeGreaterThanOrEqual(killedAt);

  // The reported gap of every CronJob is the one the hosts observed.
  expect(report.gaps).toHaveLength(COUNT);
  for (const name of names) {
    const g = report.gaps.find((x) => x.resource === `CronJob billing/${name}`);
    const seen = observedGap(world.source.activity, world.target.activity, "CronJob", "billing", name);
    expect(g, name).toBeDefined();
    expect(seen, name).toBeDefined();
    expect(
      Math.abs(g!.gapMs - seen!.gapMs),
      `${name}: reported ${g!.gapMs}, observed ${seen!.gapMs}`,
    ).toBeLessThan(500);
  }
  // The budget is the shortest schedule period; the crash pushed some gaps past it, and they are named.
  expect(report.gapBudgetMs).toBe(5_000);
  expect(report.overBudget?.length ?? 0).toBeGreaterThan(0);
  expect(report.overBudget?.every((o) => /^CronJob billing\/cj-\d\d: /.test(o))).toBe(true);

  // No schedule ran on both; a schedule in the gap ran once on the target for run-once, nowhere otherwise.
  expect(doubleRuns(world.source, world.target, keys)).toEqual([]);
  for (const name of names) {
    const seen = observedGap(world.source.activity, world.target.activity, "CronJob", "billing", name)!;
    // The gap's schedule times: after the source's last run (a run its controller had not made yet when
    // the stop landed is lost too), up to the start.
    const lastOnSource = Math.max(
      seen.stoppedAt - 60_000,
      createdAt,
      ...world.source.cronJobEvents.filter((e) => e.cronJob === name).map((e) => e.scheduledMs),
    );
    const inGap = timesBetween(lastOnSource, seen.startedAt);
    const targetRuns = world.target.cronJobEvents.filter((e) => e.cronJob === name).map((e) => e.scheduledMs);
    const sourceRuns = world.source.cronJobEvents.filter((e) => e.cronJob === name).map((e) => e.scheduledMs);
    expect(
      sourceRuns.filter((t) => t > seen.stoppedAt),
      `${name} ran on the source after its stop`,
    ).toEqual([]);
    const reported = (report.missedRuns ?? []).filter((m) => m.resource === `billing/${name}`);
    // Every schedule time in the gap is reported; each reported one either ran once on the target (the
    // catch-up) or nowhere, exactly as reported.
    for (const t of inGap)
      expect(
        reported.map((m) => m.scheduledAt),
        name,
      ).toContain(t);
    for (const m of reported) {
      const runs =
        targetRuns.filter((t) => t === m.scheduledAt).length +
        sourceRuns.filter((t) => t === m.scheduledAt).length;
      expect(runs, `${name} ${new Date(m.scheduledAt).toISOString()} (${m.outcome})`).toBe(
        m.outcome === "runs-on-target" ? 1 : 0,
      );
      expect(m.scheduledAt).toBeLessThanOrEqual(seen.startedAt + 3_000);
    }
    // What ran on the target for a time before its start is exactly the catch-up hikkoshi reported.
    const caughtUp = reported.filter((m) => m.outcome === "runs-on-target").map((m) => m.scheduledAt);
    expect(
      targetRuns.filter((t) => t <= seen.startedAt),
      name,
    ).toEqual(caughtUp.filter((t) => t <= seen.startedAt));
    if (RUN_ONCE.has(name) && inGap.length > 0) expect(caughtUp, name).toEqual([inGap.at(-1)]);
    if (!RUN_ONCE.has(name)) expect(caughtUp, `${name} is not labelled: no catch-up`).toEqual([]);
  }
}

describe("handoff survives a killed worker", () => {
  it("killed after some CronJobs are stopped and none started", async () => {
    await crashScenario((x) => stops(x.source).length >= 3 && starts(x.target).length === 0);
  }, 300_000);

  it("killed after all are stopped and none started", async () => {
    // 12 CronJobs fit the window, so all stop at once and wait out the settle pause: the kill lands there.
    await crashScenario((x) => stops(x.source).length === COUNT && starts(x.target).length === 0);
    // Every CronJob waited for the restart: the run-once ones had a schedule in the gap and ran it once.
    for (const name of RUN_ONCE) {
      const seen = observedGap(w!.source.activity, w!.target.activity, "CronJob", "billing", name)!;
      expect(seen.gapMs, name).toBeGreaterThan(5_000);
      const caught = w!.target.cronJobEvents.filter(
        (e) => e.cronJob === name && e.scheduledMs <= seen.startedAt,
      );
      expect(caught, name).toHaveLength(1);
    }
  }, 300_000);

  it("killed after half of them are started", async () => {
    await crashScenario((x) => starts(x.target).length >= COUNT / 2);
  }, 300_000);
});

describe("a worker that loses its lock", () => {
  it("aborts the handoff and records nothing; the job goes back to the queue and the handoff completes once", async () => {
    w = await startEngineWorld({
      // One request in flight at 4 a second, so 3 CronJobs in the window and about 9 s of requests: the
      // lock is taken while most are not yet stopped, and the abort leaves them so.
      handoff: "{ concurrency: 1, requestsPerSecond: 4, activeJobsTimeoutMinutes: 1 }",
      cronJobs: { tickMs: 10, jobDurationMs: 400 },
      logLevel: "warn",
    });
    const world = w;
    for (const name of names)
      world.source.objects.put(cronJob("billing", name, { schedule: SCHEDULE, labels: FORBIDDEN }));
    await world.startWorker();
    const started = await world.engine.commands.start("production", ALICE);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(world.engine, id, "gate-cutover", 120_000);
    expect(await world.engine.commands.approve({ env: "production" }, BOB)).toMatchObject({ ok: true });
    await waitFor(() => starts(world.target).length >= 2, "two CronJobs started", 60_000, 2);

    // Take the lock away, as an expiry during a long event-loop stall would.
    const m = (await world.engine.store.get(id))!;
    const stepIndex = m.steps.findIndex((s) => s.kind === "handoff");
    const st = m.steps[stepIndex]!.status;
    if (st.state !== "running") throw new Error(`handoff is ${st.state}`);
    const jobId = stepJobId({ migrationId: id, phase: "forward", stepIndex, run: st.run });
    const redis = new Redis(world.redis.url);
    try {
      expect(await redis.del(`bull:${STEP_QUEUE}:${jobId}:lock`)).toBe(1);
    } finally {
      redis.disconnect();
    }

    await waitForGate(world.engine, id, "gate-decommission", 120_000);
    const queue = new Queue(STEP_QUEUE, { connection: { url: world.redis.url } as never });
    try {
      // The first processing gave the job up (it went back as stalled) instead of finishing it beside another.
      const job = await queue.getJob(jobId);
      expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.close();
    }
    // It noticed at its next renewal and aborted the step there (instead of finishing it beside another).
    expect(
      world.workerLog.some((l) => l.includes("lost the lock on a running step") && l.includes(jobId)),
    ).toBe(true);
    const audit = await world.engine.commands.auditSince(id, "0");
    expect(audit.filter((e) => e.action === "handoff" && /transient error/.test(e.detail ?? ""))).toEqual([]);
    const after = await world.engine.store.get(id);
    expect(after?.steps[stepIndex]?.status.state).toBe("succeeded");
    expect(activeOnBoth(world.source.activity, world.target.activity, keys)).toEqual([]);
    const report = await world.engine.store.dataGet<HandoffReport>(id, DATA.handoff);
    expect(report?.gaps).toHaveLength(COUNT);
    for (const g of report!.gaps) {
      const name = g.resource.replace("CronJob billing/", "");
      const seen = observedGap(world.source.activity, world.target.activity, "CronJob", "billing", name)!;
      expect(Math.abs(seen.gapMs - g.gapMs), name).toBeLessThan(500);
    }
  }, 300_000);
});
