import type { HikkoshiConfig } from "../config/schema.js";
import { PermanentError } from "../migration/errors.js";
import type { EnvContext, Ports } from "../migration/ports.js";
import type { StepContext, StepData } from "../migration/steps/stepDefinition.js";
import type { Migration } from "../migration/types.js";
import type { MigrationStore } from "../store/migrationStore.js";

export function envContextOf(config: HikkoshiConfig, m: Migration): EnvContext {
  const env = config.environments[m.env];
  if (!env)
    throw new PermanentError(
      `environment "${m.env}" is no longer in the config`,
      "restore it in the config file and restart",
    );
  const source = env.clusters.find((c) => c.name === m.source);
  const target = env.clusters.find((c) => c.name === m.target);
  if (!source || !target) {
    throw new PermanentError(
      `cluster ${source ? m.target : m.source} of ${m.env} is no longer in the config`,
      "restore it in the config file and restart",
    );
  }
  return { migrationId: m.id, envName: m.env, env, source, target };
}

export function stepData(store: MigrationStore, id: string): StepData {
  return {
    get: (key) => store.dataGet(id, key),
    once: async (key, produce) => {
      const existing = await store.dataGet<Awaited<ReturnType<typeof produce>>>(id, key);
      if (existing !== undefined) return existing;
      return store.dataOnce(id, key, await produce());
    },
    set: (key, value) => store.dataSet(id, key, value),
  };
}

export function buildStepContext(args: {
  config: HikkoshiConfig;
  ports: Ports;
  store: MigrationStore;
  migration: Migration;
  stepId: string;
  signal: AbortSignal;
  now: () => number;
}): StepContext {
  const { store, migration, stepId, now } = args;
  let lastProgress = 0;
  return {
    ...envContextOf(args.config, migration),
    migration,
    ports: args.ports,
    data: stepData(store, migration.id),
    signal: args.signal,
    now,
    progress: (done, total, unit, note) => {
      // At most a few writes a second; the final count is written by the step's summary anyway.
      const t = now();
      if (done < total && t - lastProgress < 250) return;
      lastProgress = t;
      void store
        .setProgress(migration.id, stepId, { done, total, unit, ...(note ? { note } : {}), at: t })
        .catch(() => {});
    },
    note: (detail) =>
      store.audit(migration.id, { actor: "system", action: stepId, outcome: "info", detail }, now()),
  };
}
