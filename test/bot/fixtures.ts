// Migration records for the pure tests (parse, render, coalescer). Integration tests use the real engine.

import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import type { Migration, Step, StepKind, StepStatus } from "../../src/migration/types.js";

export const T0 = Date.UTC(2026, 10, 25, 14, 0, 0);

export function botConfig(opts: { fourEyes?: boolean } = {}): HikkoshiConfig {
  return parseConfig(`
environments:
  production:
    channel: C0PROD0001
    permissions:
      start: { users: [U0ALICE001], groups: [S0PLATFORM] }
      approve: { groups: [S0PLATFORM] }
      rollback: { users: [U0ONCALL01], groups: [S0PLATFORM] }
    fourEyes: ${opts.fourEyes ?? true}
    approvalExpiresMinutes: 45
    clusters:
      - { name: production-20251101, context: old, ingress: { hostname: old-lb.test } }
      - { name: production-20261125, context: new }
    dns: { hostedZone: example.com., records: [www.example.com] }
  staging:
    channel: C0STAG0001
    permissions:
      start: { groups: [S0PLATFORM] }
      approve: { groups: [S0PLATFORM] }
      rollback: { groups: [S0PLATFORM] }
    clusters:
      - { name: staging-20251101, context: s-old }
      - { name: staging-20261120, context: s-new }
    dns: { hostedZone: example.com., records: [staging.example.com] }
`);
}

export const DEFAULT_KINDS: StepKind[] = [
  "preflight",
  "lower-ttl",
  "backup",
  "restore",
  "wait-ready",
  "smoke",
  "gate-cutover",
  "handoff",
  "shift-traffic",
  "public-health",
  "gate-decommission",
  "decommission",
];

const EFFECT: ReadonlySet<StepKind> = new Set([
  "lower-ttl",
  "restore",
  "handoff",
  "shift-traffic",
  "decommission",
]);

export function step(kind: StepKind, status: StepStatus, i = 0): Step {
  return { id: `${kind}-${i}`, kind, title: kind.replace(/-/g, " "), effect: EFFECT.has(kind), status };
}

/** A production migration whose steps before `cursor` succeeded and whose cursor step has `status`. */
export function migrationAt(cursor: number, status: StepStatus, over: Partial<Migration> = {}): Migration {
  const steps = DEFAULT_KINDS.map((k, i): Step => {
    if (i < cursor)
      return step(
        k,
        { state: "succeeded", startedAt: T0 + i * 60_000, finishedAt: T0 + i * 60_000 + 30_000 },
        i,
      );
    if (i === cursor) return step(k, status, i);
    return step(k, { state: "pending" }, i);
  });
  const gate = steps[cursor]?.kind.startsWith("gate") && status.state === "awaiting-approval";
  return {
    id: "production-20261125-1",
    env: "production",
    source: "production-20251101",
    target: "production-20261125",
    targetReason: "newest cluster DNS does not point at",
    startedBy: "U0ALICE001",
    createdAt: T0,
    updatedAt: T0 + cursor * 60_000,
    status: gate ? "awaiting-approval" : "running",
    steps,
    cursor,
    approvals: [],
    findings: [],
    version: cursor * 2 + 1,
    ...over,
  };
}
