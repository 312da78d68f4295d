// Rollback before and during the cutover (lower-ttl, cutover gate, handoff, shift-traffic, soaking at 10%)
// and a doubled press with faults while compensating: the world ends exactly as it started. The other
// points are in rollbackLate.test.ts (the two files run in parallel).

import { describe, it } from "vitest";
import { ROLLBACK_POINTS, runRollbackScenario } from "./support/rollback.js";

describe("rollback, early points", () => {
  for (const point of ROLLBACK_POINTS.filter((p) => p.file === "early")) {
    it(`${point.name}, by ${point.by}: the world equals its starting snapshot`, async () => {
      await runRollbackScenario(point);
    }, 240_000);
  }
});
