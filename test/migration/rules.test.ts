import { describe, expect, it } from "vitest";
import { drainSafeAt, previousAnswersExpireAt } from "../../src/migration/drain.js";
import { activeFreeze } from "../../src/migration/freeze.js";
import { chooseClusters } from "../../src/migration/targetSelection.js";
import { beginStep } from "../../src/migration/transitions/forward.js";
import { approveGate } from "../../src/migration/transitions/gates.js";
import { testConfig } from "../support/testConfig.js";
import { newMigration } from "./newMigration.js";

const env = testConfig().environments.production!;

describe("freeze windows", () => {
  const fridays = [
    {
      days: ["fri" as const],
      from: "15:00",
      to: "23:59",
      timeZone: "Europe/Berlin",
      reason: "no Friday cutovers",
    },
  ];
  it("is active on a Friday evening in its time zone and says when it ends", () => {
    const fri18 = Date.parse("2026-11-27T17:00:00Z"); // 18:00 in Berlin (CET)
    const f = activeFreeze(fridays, fri18);
    expect(f?.endsAt).toBe(Date.parse("2026-11-27T23:00:00Z")); // Saturday 00:00 Berlin
    expect(activeFreeze(fridays, Date.parse("2026-11-27T13:59:00Z"))).toBeUndefined();
    expect(activeFreeze(fridays, Date.parse("2026-11-26T17:00:00Z"))).toBeUndefined(); // Thursday
  });
  it("handles windows that span midnight", () => {
    const nights = [
      { days: ["sat" as const], from: "22:00", to: "02:00", timeZone: "UTC", reason: "maintenance" },
    ];
    expect(activeFreeze(nights, Date.parse("2026-11-29T01:30:00Z"))?.endsAt).toBe(
      Date.parse("2026-11-29T02:01:00Z"),
    );
    expect(activeFreeze(nights, Date.parse("2026-11-28T23:00:00Z"))).toBeDefined();
    expect(activeFreeze(nights, Date.parse("2026-11-29T03:00:00Z"))).toBeUndefined();
  });
});

describe("target selection", () => {
  it("picks the newest cluster DNS does not point at, and says why", () => {
    const c = chooseClusters("production", env, "production-20251101");
    expect(c.ok && c.target.name).toBe("production-20261125");
    expect(c.ok && c.reason).toMatch(/newest/);
  });
  it("names the configured clusters when `to` is unknown", () => {
    const c = chooseClusters("production", env, "production-20251101", "production-2026");
    expect(c.ok ? "" : c.message).toBe(
      'cluster "production-2026" is not configured for production; configured: production-20251101, production-20261125',
    );
  });
  it("refuses the cluster already serving", () => {
    const c = chooseClusters("production", env, "production-20251101", "production-20251101");
    expect(c.ok).toBe(false);
  });
});

describe("gates", () => {
  const now = Date.parse("2026-11-25T10:00:00Z");
  const migration = newMigration(env, now);
  const gateIndex = migration.steps.findIndex((s) => s.id === "gate-cutover");
  const atGate = {
    ...migration,
    status: "awaiting-approval" as const,
    cursor: gateIndex,
    steps: migration.steps.map((s, i) =>
      i === gateIndex ? { ...s, status: { state: "awaiting-approval" as const, startedAt: now, run: 1 } } : s,
    ),
  };
  const base = { now, fourEyes: false, expiresMinutes: 60, freezeWindows: [] };

  it("re-opens the gate when its approval expired before the gated step ran", () => {
    const approved = approveGate(atGate, { ...base, by: "U2" });
    if (!approved.ok) throw new Error(approved.rejection.message);
    const late = beginStep(approved.migration, gateIndex + 1, 1, {
      now: now + 61 * 60_000,
      freezeWindows: [],
    });
    if (!late.ok) throw new Error(late.rejection.message);
    expect(late.migration.status).toBe("awaiting-approval");
    expect(late.migration.cursor).toBe(gateIndex);
    expect(late.audit[0]?.action).toBe("approval-expired");
  });

  it("refuses an approval inside a freeze window, naming when it ends", () => {
    const freezeWindows = [
      { days: ["wed" as const], from: "09:00", to: "12:00", timeZone: "UTC", reason: "release train" },
    ];
    const res = approveGate(atGate, { ...base, by: "U2", freezeWindows });
    expect(res.ok ? "" : res.rejection.code).toBe("frozen");
    expect(res.ok ? "" : res.rejection.message).toMatch(/release train.*ends Wed 12:01/);
  });
});

describe("drain time", () => {
  it("is INSYNC + the largest old TTL + the margin", () => {
    const report = {
      changeId: "/change/C1",
      submittedAt: 1_000,
      insyncAt: 5_000,
      summary: "",
      maxTtlSeconds: 300,
    };
    expect(drainSafeAt(report, 60)).toBe(5_000 + 360_000);
    expect(drainSafeAt(report, -5)).toBe(5_000 + 300_000);
  });

  it("cutover after lowering the TTL waits one old-TTL period, never less than none", () => {
    expect(previousAnswersExpireAt(10_000, 3600)).toBe(10_000 + 3_600_000);
    expect(previousAnswersExpireAt(10_000, -1)).toBe(10_000);
  });
});
