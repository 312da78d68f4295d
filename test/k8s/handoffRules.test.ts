// The handoff's pure rules: marks on the objects, schedule arithmetic and missed runs, the gap budget,
// Velero attempt names and the Velero version probe.

import { CronExpressionParser } from "cron-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultGapBudgetMs,
  effectiveRate,
  handoffRequests,
  listRequests,
  predictedGapMs,
  REQUESTS_AFTER_STOP,
  REQUESTS_PER_CRONJOB,
  waveSize,
  windowSize,
} from "../../src/k8s/handoff/budget.js";
import { markValue, parseMark } from "../../src/k8s/handoff/marks.js";
import {
  lastScheduleToCarry,
  latestScheduleAtOrBefore,
  missedRunPolicy,
  missedRuns,
  scheduleTimesBetween,
  shortestPeriodMs,
} from "../../src/k8s/handoff/schedule.js";
import { parseVeleroVersion, veleroFindings } from "../../src/k8s/preflight/velero.js";
import { attemptName, attemptNumber } from "../../src/k8s/velero/attempts.js";
import { missedRunText, scheduleClock } from "../../src/migration/missedRunText.js";
import { checkHandoff, handoffSummary } from "../../src/migration/steps/handoff.js";

const T = Date.parse("2026-12-02T08:59:30Z");
const entry = (schedule: string, suspend = false) => ({
  namespace: "billing",
  name: "invoice-run",
  source: { suspend, startingDeadlineSeconds: null },
  target: { suspend: true, startingDeadlineSeconds: null },
  schedule,
});

describe("marks", () => {
  it("round-trip the moment for their migration only, and ignore anything else", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (id, at) => {
          expect(parseMark(markValue(id, at), id)).toBe(at);
          expect(parseMark(markValue(id, at), `${id}x`)).toBeUndefined();
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.string(),
        (junk) =>
          parseMark(junk, "production-20261125-1") === undefined || junk.startsWith("production-20261125-1 "),
      ),
    );
    expect(parseMark(undefined, "a")).toBeUndefined();
    expect(parseMark("a not-a-date", "a")).toBeUndefined();
  });
});

describe("schedules", () => {
  it("answers from the neighbours it remembers exactly as a fresh parse would, in any order of questions", () => {
    const schedules = ["*/5 * * * *", "0 9 * * *", "30 2 * * 0", "*/2 * * * * *"];
    const zones = ["UTC", "Europe/Berlin", "America/New_York"];
    const fresh = (schedule: string, tz: string, at: number) =>
      CronExpressionParser.parse(schedule, { currentDate: new Date(at), tz });
    fc.assert(
      fc.property(
        // Around the autumn DST change in Berlin and New York: questions close together (sharing the
        // remembered neighbours), some exactly on a schedule time.
        fc.integer({ min: Date.parse("2026-10-24T00:00:00Z"), max: Date.parse("2026-11-08T00:00:00Z") }),
        fc.array(
          fc.record({
            schedule: fc.constantFrom(...schedules),
            tz: fc.constantFrom(...zones),
            offset: fc.oneof(
              fc.integer({ min: -600_000, max: 600_000 }),
              fc.integer({ min: -10, max: 10 }).map((m) => m * 60_000),
            ),
            span: fc.oneof(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 3 * 86_400_000 })),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (base, questions) => {
          for (const { schedule, tz, offset, span } of questions) {
            const at = Math.floor(base / 60_000) * 60_000 + offset;
            expect(latestScheduleAtOrBefore(schedule, tz, at)).toBe(
              fresh(schedule, tz, at + 1)
                .prev()
                .getTime(),
            );
            const want: number[] = [];
            const expr = fresh(schedule, tz, at);
            for (
              let t = expr.next().getTime();
              t <= at + span && want.length < 100;
              t = expr.next().getTime()
            )
              want.push(t);
            expect(scheduleTimesBetween(schedule, tz, at, at + span)).toEqual(want);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("lists the schedule times inside a window, in the CronJob's zone", () => {
    expect(scheduleTimesBetween("0 9 * * *", "UTC", T, T + 60_000)).toEqual([
      Date.parse("2026-12-02T09:00:00Z"),
    ]);
    expect(scheduleTimesBetween("0 10 * * *", "Europe/Berlin", T, T + 60_000)).toEqual([
      Date.parse("2026-12-02T09:00:00Z"),
    ]);
    expect(scheduleTimesBetween("0 9 * * *", "UTC", T + 60_000, T)).toEqual([]);
    expect(scheduleTimesBetween("not a schedule", "UTC", T, T + 60_000)).toEqual([]);
  });

  it("the shortest period is the budget, from the CronJobs that move", () => {
    expect(shortestPeriodMs("*/5 * * * *", "UTC", T)).toBe(300_000);
    expect(shortestPeriodMs("0 9,10 * * *", "UTC", T)).toBe(3_600_000);
    const budget = defaultGapBudgetMs(
      [
        entry("0 9 * * *"),
        entry("* * * * *"),
        { ...entry("*/1 * * * * *"), source: { suspend: true, startingDeadlineSeconds: null } },
      ],
      T,
    );
    expect(budget).toBe(60_000); // the suspended one does not move, so its 1 s period does not count
    expect(defaultGapBudgetMs([], T)).toBeUndefined();
  });

  it("never carries a lastScheduleTime earlier than the source's last run", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.constantFrom("skip" as const, "run-once" as const),
        (stopOffset, lastOffset, gap, policy) => {
          const stoppedAt = T + stopOffset;
          const sourceLastMs = lastOffset === undefined ? undefined : stoppedAt - lastOffset;
          const carried = lastScheduleToCarry({
            policy,
            schedule: "* * * * *",
            tz: "UTC",
            sourceLastMs,
            stoppedAt,
            now: stoppedAt + gap,
          });
          expect(carried).toBeDefined();
          if (sourceLastMs !== undefined) expect(carried!).toBeGreaterThanOrEqual(sourceLastMs);
          // skip leaves nothing to catch up; run-once leaves every schedule after the stop.
          if (policy === "skip") expect(carried!).toBeGreaterThan(stoppedAt + gap - 60_000);
          else expect(carried!).toBeLessThanOrEqual(Math.max(stoppedAt, sourceLastMs ?? 0));
        },
      ),
    );
  });

  it("missed runs: run-once catches up the most recent one on the target, the rest are lost", () => {
    const stoppedAt = Date.parse("2026-12-02T08:59:50Z");
    const startedAt = Date.parse("2026-12-02T09:02:10Z");
    const base = {
      schedule: "* * * * *",
      tz: "UTC",
      sourceLastMs: Date.parse("2026-12-02T08:59:00Z"),
      stoppedAt,
      startedAt,
    };
    const runOnce = missedRuns({ ...base, carriedMs: base.sourceLastMs, startingDeadlineSeconds: null });
    expect(runOnce.map((m) => [new Date(m.scheduledAt).toISOString().slice(11, 16), m.outcome])).toEqual([
      ["09:00", "lost"],
      ["09:01", "lost"],
      ["09:02", "runs-on-target"],
    ]);
    const skip = missedRuns({
      ...base,
      carriedMs: Date.parse("2026-12-02T09:02:00Z"),
      startingDeadlineSeconds: null,
    });
    expect(skip.every((m) => m.outcome === "lost")).toBe(true);
    const late = missedRuns({ ...base, carriedMs: base.sourceLastMs, startingDeadlineSeconds: 5 });
    expect(late.at(-1)).toMatchObject({
      outcome: "lost",
      why: expect.stringMatching(/startingDeadlineSeconds \(5 s\)/),
    });
    expect(missedRunPolicy({ "hikkoshi.dev/missed-run": "run-once" })).toBe("run-once");
    expect(missedRunPolicy({ "hikkoshi.dev/missed-run": "twice" })).toBe("skip");
  });

  it("tells a lost run the way people read it", () => {
    const at = Date.parse("2026-12-02T09:00:00Z");
    expect(
      missedRunText(
        { resource: "billing/invoice-run", scheduledAt: at, timeZone: "UTC", outcome: "lost" },
        "new",
      ),
    ).toBe("`billing/invoice-run`: 09:00 UTC run did not happen on either cluster");
    expect(scheduleClock(at, "Europe/Berlin")).toBe("10:00 Europe/Berlin");
    expect(scheduleClock(at + 5_000, "UTC")).toBe("09:00:05 UTC");
    expect(scheduleClock(at, "Not/AZone")).toBe("09:00:00 UTC");
    const summary = handoffSummary(
      {
        cronJobsMoved: 3,
        deploymentsMoved: 0,
        requests: 21,
        gaps: [{ resource: "CronJob billing/invoice-run", gapMs: 66_000 }],
        gapBudgetMs: 60_000,
        overBudget: [
          "CronJob billing/invoice-run: 1.1 min, stopped by an earlier attempt that did not finish (worker restart)",
        ],
        missedRuns: [{ resource: "billing/invoice-run", scheduledAt: at, timeZone: "UTC", outcome: "lost" }],
      },
      "production-20261125",
    );
    expect(summary).toContain("longest gap 66.0 s (budget 60.0 s)");
    expect(summary).toContain("1 over budget");
    expect(summary).toContain("`billing/invoice-run`: 09:00 UTC run did not happen on either cluster");
  });
});

describe("gap budget", () => {
  it("keeps the window at least the concurrency, within the budget at the rate the servers give, no larger than keeps the rate busy", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0.1, max: 100_000, noNaN: true }),
        fc.option(fc.integer({ min: 1, max: 86_400_000 }), { nil: undefined }),
        fc.option(fc.double({ min: 0.1, max: 500, noNaN: true }), { nil: undefined }),
        (concurrency, rps, budget, latencyMs) => {
          const rate = effectiveRate(concurrency, rps, latencyMs);
          expect(rate).toBeLessThanOrEqual(rps);
          const w = windowSize(concurrency, rps, 1_000, budget, rate);
          expect(w).toBeGreaterThanOrEqual(concurrency);
          if (w > concurrency) {
            // Waiting for the requests after the stop costs at most half the budget (and 10 s).
            const half = Math.min(budget ?? Number.POSITIVE_INFINITY, 20_000) / 2;
            expect(1_000 + (REQUESTS_AFTER_STOP * w * 1000) / rate).toBeLessThanOrEqual(half + 1e-6);
            expect(w).toBeLessThanOrEqual(Math.ceil((rps * 2_000) / (REQUESTS_PER_CRONJOB * 1000)));
          }
          const wave = waveSize(w, concurrency);
          expect(wave).toBeGreaterThanOrEqual(Math.min(w, concurrency));
          expect(wave).toBeLessThanOrEqual(w);
        },
      ),
    );
    // 16 in the window at the default 50 req/s: a wave's other 15 stops, its list, 32 requests after the stops.
    expect(windowSize(16, 50, 1_000, 300_000)).toBe(34);
    expect(predictedGapMs(16, 16, 50, 1_000, 800)).toBe(1_000 + ((15 + 2 + 32) * 1000) / 50);
    // A slow server shrinks the rate the window is sized by, never the limit it keeps under.
    expect(effectiveRate(16, 100_000, 5)).toBe(3_200);
    expect(effectiveRate(16, 50, 5)).toBe(50);
  });

  it("counts the requests of a handoff: three per CronJob and four lists, plus one per wave", () => {
    expect(REQUESTS_PER_CRONJOB).toBe(3);
    expect(listRequests(0)).toBe(1);
    expect(listRequests(500)).toBe(1);
    expect(listRequests(501)).toBe(2);
    expect(handoffRequests(800, 800, 4)).toBe(2400 + 2 * 7);
    expect(handoffRequests(0, 800, 0)).toBe(0);
  });
});

describe("Velero attempts and version", () => {
  it("names attempts so each has one number", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^hikkoshi-[a-z0-9-]{1,30}$/),
        fc.integer({ min: 1, max: 999 }),
        (base, n) => {
          expect(attemptNumber(base, attemptName(base, n))).toBe(n);
        },
      ),
    );
    expect(attemptNumber("hikkoshi-a", "hikkoshi-a-tolerant")).toBeUndefined();
    expect(attemptNumber("hikkoshi-a", "hikkoshi-a-r1")).toBeUndefined();
    expect(attemptNumber("hikkoshi-a", "hikkoshi-a-r2x")).toBeUndefined();
  });

  it("blocks Velero older than 1.12 and warns when the version cannot be read", () => {
    expect(parseVeleroVersion("v1.14.1")).toEqual({ major: 1, minor: 14 });
    expect(parseVeleroVersion("1.12.0-rc.1")).toEqual({ major: 1, minor: 12 });
    expect(parseVeleroVersion("latest")).toBeUndefined();
    const ok = { cluster: "a", installed: true, locations: [{ name: "default", phase: "Available" }] };
    expect(
      veleroFindings(
        [
          { ...ok, version: "v1.14.1" },
          { ...ok, cluster: "b", version: "v1.12.0" },
        ],
        "velero",
      ),
    ).toEqual([]);
    const old = veleroFindings(
      [
        { ...ok, version: "v1.11.1" },
        { ...ok, cluster: "b", version: "v1.14.1" },
      ],
      "velero",
    );
    expect(old.map((f) => [f.code, f.severity, f.subjects])).toEqual([
      ["velero-version-old", "blocking", ["a: v1.11.1"]],
    ]);
    const unknown = veleroFindings(
      [
        { ...ok, version: null },
        { ...ok, cluster: "b", version: "latest" },
      ],
      "velero",
    );
    expect(unknown.map((f) => [f.code, f.severity])).toEqual([["velero-version-unknown", "warning"]]);
    expect(unknown[0]?.subjects).toEqual(["a: not found", "b: latest"]);
  });
});

describe("handoff read-back", () => {
  const cj = (name: string, source: boolean | null, target: boolean | null) => ({
    namespace: "billing",
    name,
    source: source === null ? null : { suspend: source, startingDeadlineSeconds: null },
    target: target === null ? null : { suspend: target, startingDeadlineSeconds: null },
  });
  const before = {
    takenAt: 0,
    cronJobs: [cj("runs", false, true), cj("paused", true, true)],
    deployments: [{ namespace: "billing", name: "singleton", sourceReplicas: 1, targetReplicas: 0 }],
  };
  it("passes when every forbidden resource runs only on the target, and names each one that does not", () => {
    const good = {
      takenAt: 1,
      cronJobs: [cj("runs", true, false), cj("paused", true, true)],
      deployments: [{ namespace: "billing", name: "singleton", sourceReplicas: 0, targetReplicas: 1 }],
    };
    expect(checkHandoff(before, good, "old", "new")).toEqual({ ok: true });
    const bad = {
      takenAt: 1,
      cronJobs: [cj("runs", false, true), cj("paused", true, false)],
      deployments: [{ namespace: "billing", name: "singleton", sourceReplicas: 1, targetReplicas: 0 }],
    };
    const v = checkHandoff(before, bad, "old", "new");
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.reason).toContain("CronJob billing/runs is running on old");
    expect(v.reason).toContain("CronJob billing/runs is suspended on new");
    expect(v.reason).toContain("CronJob billing/paused is running on new although it did not run on old");
    expect(v.reason).toContain("Deployment billing/singleton has 1 replica(s) on old");
  });
});
