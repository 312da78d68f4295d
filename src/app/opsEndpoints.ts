// What /readyz and /metrics mean for a hikkoshi process: Redis answers, the config is loaded, and, where
// this role runs them, the step workers are running.

import type { HikkoshiConfig } from "../config/schema.js";
import type { Engine } from "../jobs/engine.js";
import type { OpsEndpoints, ReadinessProbe } from "../observability/opsHttp.js";

export function buildOpsEndpoints(args: {
  engine: Engine;
  config: HikkoshiConfig;
  runsWorkers: boolean;
}): OpsEndpoints {
  const { engine, config } = args;
  const readiness: Record<string, ReadinessProbe> = {
    redis: () => engine.redisProblem(),
    config: async () =>
      Object.keys(config.environments).length > 0 ? undefined : "the config names no environment",
  };
  if (args.runsWorkers) {
    readiness.workers = async () =>
      engine.workersRunning() ? undefined : "the step workers are not running (starting or draining)";
  }
  return { readiness, metrics: () => engine.metrics.exposition() };
}
