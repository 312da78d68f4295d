// The gap budget against two test hosts: when it will be exceeded, the live message's progress line and
// the thread say so, naming the resources and why (running Jobs on the source; a request rate that
// cannot keep up), and the report lists every gap over it.

import { afterEach, describe, expect, it } from "vitest";
import { cronJob, envContext, FORBIDDEN, never, startWorld, type World } from "./support.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Snapshot and hand off, keeping the progress lines' notes and the thread's notes. */
async function handoffNoting(world: World, ctx: ReturnType<typeof envContext>) {
  const snapshot = await world.port.snapshotForbidden(ctx);
  const progress: string[] = [];
  const notes: string[] = [];
  const report = await world.port.handoff(
    ctx,
    snapshot,
    (_d, _t, _u, note) => {
      if (note) progress.push(note);
    },
    never(),
    { note: (d) => void notes.push(d) },
  );
  return { report, progress, notes };
}

describe("gap budget", () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it("says, as soon as it knows, which CronJob's gap will exceed the budget because its Job is still running", async () => {
    // Every 2 s, each run lasting 3 s: a Job is always running when the CronJob is stopped.
    const cronJobs = { tickMs: 10, jobDurationMs: 3_000 };
    w = await startWorld({
      source: { cronJobs, cronSecondsField: true },
      target: { cronJobs, cronSecondsField: true },
    });
    const world = w;
    const opts = { schedule: "*/2 * * * * *", labels: FORBIDDEN };
    world.source.objects.put(cronJob("billing", "invoice-run", opts));
    world.target.objects.put(cronJob("billing", "invoice-run", { ...opts, suspend: true }));
    const deadline = Date.now() + 10_000;
    while (world.source.cronJobEvents.length === 0 && Date.now() < deadline) await sleep(20);
    const ctx = envContext(
      "handoff: { concurrency: 4, requestsPerSecond: 400, activeJobsTimeoutMinutes: 1 }",
    );
    const { report, progress, notes } = await handoffNoting(world, ctx);
    expect(report.gapBudgetMs).toBe(2_000);
    expect(progress).toContain("over budget: billing/invoice-run (Job running)");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^gap budget 2 s will be exceeded for CronJob billing\/invoice-run unless its [12] running Job\(s\) on production-20251101 finish within \d+ s/,
    );
    // It waited for its Job (never started while the source ran one), and the report says why it was long.
    expect(report.gaps[0]!.gapMs).toBeGreaterThan(2_000);
    expect(report.overBudget).toEqual([
      expect.stringMatching(
        /^CronJob billing\/invoice-run: \d+ s, waited for [12] running Job\(s\) on production-20251101$/,
      ),
    ]);
  }, 60_000);

  it("says before anything moves when the request rate alone cannot keep each gap under the budget", async () => {
    w = await startWorld({ source: { cronSecondsField: true }, target: { cronSecondsField: true } });
    const opts = { schedule: "*/2 * * * * *", labels: FORBIDDEN };
    w.source.objects.put(cronJob("billing", "ledger", opts));
    w.target.objects.put(cronJob("billing", "ledger", { ...opts, suspend: true }));
    // One request a second: the fresh list, the carry and the start after the stop take 3 s.
    const ctx = envContext("handoff: { concurrency: 1, requestsPerSecond: 1 }");
    const { report, progress, notes } = await handoffNoting(w, ctx);
    expect(progress[0]).toBe("over 2 s budget: all (rate limit)");
    expect(notes).toEqual([
      expect.stringMatching(
        /^gap budget 2 s will be exceeded for all 1 CronJob\(s\): at handoff\.requestsPerSecond=1 each one needs about 3 s/,
      ),
    ]);
    expect(report.cronJobsMoved).toBe(1);
  }, 60_000);
});
