// What a completed sandbox migration looks like when nothing was lost or repeated: every step succeeded
// or was skipped, and every effect of the test ports happened exactly once.

import { expect } from "vitest";
import type { Migration } from "../../src/migration/types.js";

export async function expectCompletedOnce(
  done: Migration,
  world: { effects(): Promise<Record<string, number>> },
): Promise<void> {
  expect(done.steps.every((s) => s.status.state === "succeeded" || s.status.state === "skipped")).toBe(true);
  expect(await world.effects()).toEqual({
    "ttl-1": 1,
    backup: 1,
    restore: 1,
    handoff: 1,
    "shift-100": 1,
    decommission: 1,
    "ttl-2": 1,
  });
}
