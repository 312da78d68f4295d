// What a completed sandbox migration looks like when nothing was lost or repeated: every step succeeded
// or was skipped, and every effect of the test ports happened exactly once.

import { expect } from "vitest";
import type { Migration } from "../../src/migration/types.js";

interface EffectsWorld {
  effects(): Promise<Record<string, number>>;
}

/** Every effect of a whole migration through the test ports, exactly once. */
export async function expectEveryEffectOnce(world: EffectsWorld): Promise<void> {
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

export async function expectCompletedOnce(done: Migration, world: EffectsWorld): Promise<void> {
  expect(done.steps.every((s) => s.status.state === "succeeded" || s.status.state === "skipped")).toBe(true);
  await expectEveryEffectOnce(world);
}
