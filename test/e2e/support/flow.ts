// Where a migration is, read from Redis (the source of truth): the newest record, waits for a status or a
// step state, the audit trail. Driving it from Slack is slack.ts.

import type { AuditEntry } from "../../../src/migration/commands.js";
import type { Migration, StepState } from "../../../src/migration/types.js";
import { waitUntil } from "./wait.js";
import type { E2eWorld } from "./world.js";

/** The newest migration of production (active first, else the last finished one). */
export async function newestMigration(e: E2eWorld): Promise<Migration | undefined> {
  const { commands, store } = e.world.app.engine;
  const [view] = await commands.active("production");
  const id = view?.migration.id ?? (await commands.history("production", 1))[0]?.id;
  return id ? store.get(id) : undefined;
}

export async function waitForMigration(
  e: E2eWorld,
  pred: (m: Migration) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<Migration> {
  return waitUntil(
    async () => {
      const m = await newestMigration(e);
      return m && pred(m) ? m : undefined;
    },
    what,
    timeoutMs,
    { everyMs: 50, explain: () => e.slack.console() },
  );
}

export function stepState(m: Migration, stepId: string): StepState | undefined {
  return m.steps.find((s) => s.id === stepId)?.status.state;
}

export const waitForStatus = (e: E2eWorld, statuses: Migration["status"][], timeoutMs = 90_000) =>
  waitForMigration(e, (m) => statuses.includes(m.status), `status ${statuses.join("|")}`, timeoutMs);

export const waitForStep = (e: E2eWorld, stepId: string, states: StepState[], timeoutMs = 90_000) =>
  waitForMigration(
    e,
    (m) => states.includes(stepState(m, stepId) ?? "pending"),
    `step ${stepId} to be ${states.join("|")}`,
    timeoutMs,
  );

export async function audit(e: E2eWorld, id: string): Promise<AuditEntry[]> {
  return e.world.app.engine.commands.auditSince(id, "0", 1000);
}
