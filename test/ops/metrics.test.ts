// What the metrics count, from committed transitions (pure) and from the errors the clients throw.
import { describe, expect, it } from "vitest";
import { SlackRateLimited } from "../../src/bot/slackApi.js";
import type { Migration, Step, StepStatus } from "../../src/migration/types.js";
import {
  classifyCallError,
  onExternalCall,
  recordExternalCall,
} from "../../src/observability/externalCalls.js";
import { HikkoshiMetrics } from "../../src/observability/metrics.js";
import { observeTransition } from "../../src/observability/migrationObservations.js";
import { parsePromText, sum } from "./promText.js";

const T0 = 1_800_000_000_000;
const step = (id: string, kind: Step["kind"], status: StepStatus): Step => ({
  id,
  kind,
  title: id,
  effect: kind !== "preflight",
  status,
});

function migration(steps: Step[], patch: Partial<Migration> = {}): Migration {
  return {
    id: "production-20261202-1",
    env: "production",
    source: "production-20251101",
    target: "production-20261125",
    targetReason: "newest",
    startedBy: "U0ALICE001",
    createdAt: T0,
    updatedAt: T0,
    status: "running",
    steps,
    cursor: 0,
    approvals: [],
    findings: [],
    version: 1,
    ...patch,
  };
}

describe("observeTransition", () => {
  it("counts a start, a finished step with its duration, a gate's wait, a rollback by point and an end", () => {
    const running = migration([
      step("backup", "backup", { state: "running", startedAt: T0, run: 1 }),
      step("gate-cutover", "gate-cutover", { state: "pending" }),
    ]);
    expect(observeTransition(undefined, running)).toEqual([{ type: "migration-started", env: "production" }]);
    const backedUp = migration(
      [
        step("backup", "backup", { state: "succeeded", startedAt: T0, finishedAt: T0 + 90_000 }),
        step("gate-cutover", "gate-cutover", { state: "awaiting-approval", startedAt: T0 + 90_000, run: 1 }),
      ],
      { cursor: 1, status: "awaiting-approval", version: 2 },
    );
    expect(observeTransition(running, backedUp)).toEqual([
      { type: "step-finished", step: "backup", outcome: "succeeded", seconds: 90 },
    ]);
    const approved = migration(
      [
        backedUp.steps[0]!,
        step("gate-cutover", "gate-cutover", {
          state: "succeeded",
          startedAt: T0 + 90_000,
          finishedAt: T0 + 390_000,
        }),
      ],
      { cursor: 1, version: 3 },
    );
    expect(observeTransition(backedUp, approved)).toEqual([
      { type: "gate-waited", gate: "gate-cutover", seconds: 300 },
    ]);
    const rolling = migration(approved.steps, {
      cursor: 1,
      version: 4,
      status: "rolling-back",
      rollback: { by: "U0BOB00001", at: T0, reason: "", cursor: 0, attempt: 1 },
    });
    expect(observeTransition(approved, rolling)).toEqual([
      { type: "rollback-requested", env: "production", point: "gate-cutover" },
    ]);
    const rolledBack = migration(approved.steps, { ...rolling, status: "rolled-back", version: 5 });
    expect(observeTransition(rolling, rolledBack)).toEqual([
      { type: "migration-finished", env: "production", outcome: "rolled-back" },
    ]);
    // A commit that changes nothing observable (a progress bump) counts nothing.
    expect(observeTransition(rolledBack, { ...rolledBack, version: 6 })).toEqual([]);
  });

  it("feeds the registry: counters by bounded labels, histograms by step", async () => {
    const metrics = new HikkoshiMetrics({ defaultMetrics: false });
    try {
      const a = migration([step("backup", "backup", { state: "running", startedAt: T0, run: 1 })]);
      const b = migration(
        [step("backup", "backup", { state: "failed", startedAt: T0, finishedAt: T0 + 2000, error: "x" })],
        {
          status: "halted",
          version: 2,
        },
      );
      metrics.onCommit(undefined, a);
      metrics.onCommit(a, b);
      recordExternalCall("route53", "throttled");
      const s = parsePromText((await metrics.exposition()).body);
      expect(sum(s, "hikkoshi_migrations_started_total", { environment: "production" })).toBe(1);
      expect(sum(s, "hikkoshi_step_duration_seconds_count", { step: "backup", outcome: "failed" })).toBe(1);
      expect(sum(s, "hikkoshi_step_duration_seconds_sum", { step: "backup" })).toBe(2);
      expect(sum(s, "hikkoshi_external_calls_total", { service: "route53", outcome: "throttled" })).toBe(1);
      expect(sum(s, "hikkoshi_migrations_finished_total")).toBe(0);
    } finally {
      metrics.close();
    }
    // A closed registry no longer listens.
    let heard = 0;
    const off = onExternalCall(() => heard++);
    recordExternalCall("slack", "ok");
    off();
    recordExternalCall("slack", "ok");
    expect(heard).toBe(1);
  });
});

describe("classifyCallError", () => {
  const withCause = (code: string) => Object.assign(new Error("fetch failed"), { cause: { code } });
  it.each([
    ["Kubernetes 429 (ApiException code)", Object.assign(new Error("x"), { code: 429 }), "throttled"],
    ["Kubernetes 503", Object.assign(new Error("x"), { code: 503 }), "5xx"],
    ["Kubernetes 409", Object.assign(new Error("x"), { code: 409 }), "4xx"],
    [
      "Route 53 Throttling (HTTP 400)",
      Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } }),
      "throttled",
    ],
    [
      "Route 53 PriorRequestNotComplete",
      Object.assign(new Error("x"), { name: "PriorRequestNotComplete", $metadata: { httpStatusCode: 400 } }),
      "4xx",
    ],
    [
      "Route 53 InternalFailure",
      Object.assign(new Error("x"), { name: "InternalFailure", $metadata: { httpStatusCode: 500 } }),
      "5xx",
    ],
    ["Slack rate limit", new SlackRateLimited("chat.update", 1000), "throttled"],
    ["undici timeout", Object.assign(new Error("timeout"), { name: "TimeoutError" }), "timeout"],
    ["headers timeout in the cause", withCause("UND_ERR_HEADERS_TIMEOUT"), "timeout"],
    ["connection refused", withCause("ECONNREFUSED"), "network"],
    ["anything else", new Error("boom"), "error"],
    ["not even an Error", "boom", "error"],
  ])("%s", (_what, err, outcome) => {
    expect(classifyCallError(err)).toBe(outcome);
  });
});
