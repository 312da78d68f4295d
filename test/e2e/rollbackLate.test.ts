// Rollback during the change to 50%, at the decommission gate and during decommission: the world ends
// exactly as it started. The earlier points are in rollbackEarly.test.ts.

import { describe, it } from "vitest";
import { ROLLBACK_POINTS, runRollbackScenario } from "./support/rollback.js";

describe("rollback, late points", () => {
  for (const point of ROLLBACK_POINTS.filter((p) => p.file === "late")) {
    it(`${point.name}, by ${point.by}: the world equals its starting snapshot`, async () => {
      await runRollbackScenario(point);
    }, 240_000);
  }
});
