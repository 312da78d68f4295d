import pino from "pino";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import { createEngine, type Engine } from "../../src/jobs/engine.js";
import type { Ports } from "../../src/migration/ports.js";
import type { Migration, MigrationStatus } from "../../src/migration/types.js";
import { waitFor } from "./waitFor.js";

/** Fast timings for tests: stalled jobs are picked up within about a second. */
export const TEST_TUNING = {
  concurrency: 4,
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  maxStalledCount: 5,
};
export const TEST_RETRY = { attempts: 4, backoff: { type: "fixed" as const, delay: 100 } };

export async function startTestEngine(
  redisUrl: string,
  config: HikkoshiConfig,
  ports: Ports,
  workers = true,
): Promise<Engine> {
  const engine = await createEngine({
    redisUrl,
    config,
    ports,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    tuning: TEST_TUNING,
    retry: TEST_RETRY,
    reconcileEveryMs: 500,
    cancelPollMs: 100,
  });
  if (workers) await engine.startWorkers();
  return engine;
}

export function waitForStatus(
  engine: Engine,
  id: string,
  status: MigrationStatus | MigrationStatus[],
  timeoutMs = 20_000,
): Promise<Migration> {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(
    async () => {
      const m = await engine.store.get(id);
      return m && wanted.includes(m.status) ? m : undefined;
    },
    `${id} to be ${wanted.join("|")}`,
    timeoutMs,
  ).catch(async (err) => {
    throw new Error(`${(err as Error).message}\n${describe(await engine.store.get(id))}`);
  });
}

/** Waits until the migration is at the gate with this step id. */
export function waitForGate(
  engine: Engine,
  id: string,
  stepId: string,
  timeoutMs = 20_000,
): Promise<Migration> {
  return waitFor(
    async () => {
      const m = await engine.store.get(id);
      if (m && ["halted", "blocked", "rolled-back"].includes(m.status))
        throw new Error(`migration ${m.status}: ${m.error ?? ""}`);
      return m && m.status === "awaiting-approval" && m.steps[m.cursor]?.id === stepId ? m : undefined;
    },
    `${id} to wait at ${stepId}`,
    timeoutMs,
  ).catch(async (err) => {
    throw new Error(`${(err as Error).message}\n${describe(await engine.store.get(id))}`);
  });
}

/** One line per step, for failure messages. */
export function describe(m: Migration | undefined): string {
  if (!m) return "(no migration)";
  return [
    `${m.id} ${m.status} v${m.version} cursor=${m.cursor} ${m.error ?? ""}`,
    ...m.steps.map((s) => `  ${s.id}: ${JSON.stringify(s.status)}`),
  ].join("\n");
}
