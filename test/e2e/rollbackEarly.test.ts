// Rollback before and during the cutover (lower-ttl, cutover gate, handoff, shift-traffic, soaking at
// 10%): the world ends exactly as it started. The later points are in rollbackLate.test.ts (two files run in parallel).

import { describe, it } from "vitest";
import { ROLLBACK_POINTS, runRollbackScenario } from "./support/rollback.js";

describe("rollback, early points", () => {
  for (const point of ROLLBACK_POINTS.slice(0, 5)) {
    it(`${point.name}, by ${point.by}: the world equals its starting snapshot`, async () => {
      await runRollbackScenario(point);
    }, 240_000);
  }
});
