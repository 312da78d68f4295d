// A scenario in its own world, watched by the invariant monitor from before `/migrate start` to the end.

import { expect } from "vitest";
import type { Migration } from "../../../src/migration/types.js";
import { expectCompletedWorld } from "./assertions.js";
import { waitForStatus } from "./flow.js";
import { startInvariantMonitor } from "./monitor.js";
import { approveCutover, approveDecommission } from "./rollback.js";
import { waitForLiveMessage } from "./slack.js";
import { snapshotWorld, type WorldSnapshot } from "./snapshot.js";
import { type E2eOptions, type E2eWorld, startE2eWorld } from "./world.js";

export async function withWorld(
  opts: E2eOptions,
  body: (e: E2eWorld, before: WorldSnapshot) => Promise<void>,
): Promise<void> {
  const e = await startE2eWorld(opts);
  try {
    const before = snapshotWorld(e.world);
    const monitor = startInvariantMonitor(e.world);
    try {
      await body(e, before);
    } finally {
      monitor.stop();
    }
    expect(monitor.violations).toEqual([]);
  } finally {
    await e.close();
  }
}

/** Approves both gates as bob and waits for the end; asserts it completed. */
export async function approveToTheEnd(e: E2eWorld, opts: { cutover?: boolean } = {}): Promise<Migration> {
  if (opts.cutover !== false) await approveCutover(e);
  await approveDecommission(e);
  const m = await waitForStatus(e, ["completed", "halted", "rollback-failed", "rolled-back"], 180_000);
  expect(m.status, e.slack.console()).toBe("completed");
  return m;
}

/**
 * What every completed run must show, whatever faults it went through: the world moved, each effect
 * happened once (one Velero Backup, DNS changed exactly as often as a clean run changes it), and the live
 * message caught up with the record (every step done, no buttons).
 */
export async function expectCompletedRun(e: E2eWorld, m: Migration, before: WorldSnapshot): Promise<void> {
  expectCompletedWorld(e.world, before);
  expect(e.world.old.objects.list("velero.io/v1", "Backup", "velero"), "Velero Backups").toHaveLength(1);
  const strategy = e.world.config.environments.production!.dns.strategy;
  const shifts = strategy.type === "weighted" ? strategy.steps.length : 1;
  // lower-ttl, each shift, restore-ttl: a retried change that already took effect must not change again.
  expect(e.world.route53.counters.changesEffective, "effective Route 53 changes").toBe(shifts + 2);
  for (const s of m.steps) expect(s.status.state, s.id).toBe("succeeded");
  const lines = await waitForLiveMessage(e, m.id, (l) => l.some((x) => /completed/.test(x)), "completed");
  for (const s of m.steps)
    expect(
      lines.some((l) => l.startsWith(`✅ ${s.title}`)),
      `live message line for "${s.title}":\n${lines.join("\n")}`,
    ).toBe(true);
  expect(
    lines.filter((l) => l.startsWith("[ ")),
    "buttons left on the live message",
  ).toEqual([]);
}
