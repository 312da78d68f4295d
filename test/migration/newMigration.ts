import type { EnvironmentConfig } from "../../src/config/schema.js";
import { buildPlan } from "../../src/migration/plan.js";
import { createMigration } from "../../src/migration/transitions/forward.js";
import type { Migration } from "../../src/migration/types.js";

/** A new production migration from cluster a to b with the environment's default plan, started by U1. */
export function newMigration(env: EnvironmentConfig, now: number): Migration {
  return createMigration({
    id: "production-20261125-1",
    env: "production",
    source: "a",
    target: "b",
    targetReason: "",
    startedBy: "U1",
    plan: buildPlan(env),
    now,
  }).migration;
}
