import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { HikkoshiConfig } from "../config/schema.js";
import type { MigrationCommands } from "../migration/commands.js";
import type { HandoffReport, Ports } from "../migration/ports.js";
import { DATA } from "../migration/steps/dataKeys.js";
import type { Migration } from "../migration/types.js";
import { createLogger } from "../observability/logger.js";
import { HikkoshiMetrics } from "../observability/metrics.js";
import { transitionLogLines } from "../observability/transitionLog.js";
import type { Logger } from "../runtime/logger.js";
import { MigrationStore } from "../store/migrationStore.js";
import { openRedis, refuseRedisCluster } from "../store/redisConnection.js";
import { redisHealthWarnings } from "../store/redisHealth.js";
import { EngineCommands } from "./engineCommands.js";
import { reconcile } from "./reconciler.js";
import type { EngineRuntime } from "./runtime.js";
import { startSourceGuard } from "./sourceGuard.js";
import { type RETRY, StepQueue } from "./stepJobs.js";
import { DEFAULT_TUNING, startStepWorker, type WorkerTuning } from "./stepWorker.js";

export interface EngineOptions {
  redisUrl: string;
  config: HikkoshiConfig;
  ports: Ports;
  logger?: Logger;
  now?: () => number;
  tuning?: Partial<WorkerTuning>;
  retry?: typeof RETRY;
  /** How often active migrations are re-checked for a missing job (ms). */
  reconcileEveryMs?: number;
  /** How often the source guard looks for re-activated forbidden resources (ms; src/jobs/sourceGuard.ts). */
  guardEveryMs?: number;
  cancelPollMs?: number;
  /** Process metrics (event loop, heap, GC) besides hikkoshi's own; default off (startHikkoshi turns them on). */
  defaultMetrics?: boolean;
}

export interface Engine {
  commands: MigrationCommands;
  store: MigrationStore;
  metrics: HikkoshiMetrics;
  /** Start processing steps in this process (the worker role). */
  startWorkers(): Promise<void>;
  /** Whether this process runs step workers that are connected (for /readyz). */
  workersRunning(): boolean;
  /** Undefined when Redis answers a PING, else why not (for /readyz). */
  redisProblem(): Promise<string | undefined>;
  /** Drain: stop taking jobs, let running steps finish, close connections. */
  close(): Promise<void>;
}

function connect(url: string, logger: Logger, forWorker: boolean): Redis {
  // BullMQ workers need maxRetriesPerRequest: null (they block on Redis); commands fail fast instead.
  const redis = openRedis(url, { maxRetriesPerRequest: forWorker ? null : 20, enableReadyCheck: true });
  redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error (retrying)"));
  return redis;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const logger = opts.logger ?? createLogger();
  const redis = connect(opts.redisUrl, logger, false);
  try {
    await refuseRedisCluster(redis);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const queueConn = connect(opts.redisUrl, logger, true);
  const metrics = new HikkoshiMetrics({ defaultMetrics: opts.defaultMetrics ?? false });
  const onCommit = (before: Migration | undefined, after: Migration) => {
    metrics.onCommit(before, after);
    for (const line of transitionLogLines(before, after)) logger.info(line.fields, line.msg);
  };
  const store = new MigrationStore(redis, opts.config.retentionDays, onCommit);
  const queue = new StepQueue(queueConn, opts.retry ? { retry: opts.retry } : {});
  metrics.setSources({
    queueCounts: () => queue.queue.getJobCounts("waiting", "delayed", "prioritized", "active", "failed"),
    handoffReport: (id) => store.dataGet<HandoffReport>(id, DATA.handoff),
  });
  const rt: EngineRuntime = {
    config: opts.config,
    ports: opts.ports,
    store,
    queue,
    logger,
    now: opts.now ?? Date.now,
    cancelPollMs: opts.cancelPollMs ?? 1000,
  };
  for (const warning of await redisHealthWarnings(redis)) logger.warn({}, warning);

  let worker: Worker | undefined;
  let workerConn: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopGuard: (() => void) | undefined;
  const commands = new EngineCommands(rt, opts.redisUrl);

  return {
    commands,
    store,
    metrics,
    workersRunning: () => worker?.isRunning() === true,
    async redisProblem() {
      try {
        await redis.ping();
        return undefined;
      } catch (err) {
        return `Redis does not answer: ${(err as Error).message}`;
      }
    },
    async startWorkers() {
      if (worker) return;
      workerConn = connect(opts.redisUrl, logger, true);
      worker = startStepWorker(rt, workerConn, { ...DEFAULT_TUNING, ...opts.tuning });
      const resumed = await reconcile(rt);
      if (resumed > 0) logger.info({ resumed }, "resumed active migrations from Redis");
      timer = setInterval(() => {
        void reconcile(rt).catch((err) => logger.warn({ err: (err as Error).message }, "reconcile failed"));
      }, opts.reconcileEveryMs ?? 30_000);
      stopGuard = startSourceGuard(rt, opts.guardEveryMs ?? 5_000);
    },
    async close() {
      if (timer) clearInterval(timer);
      stopGuard?.();
      await worker?.close();
      await queue.close();
      workerConn?.disconnect();
      queueConn.disconnect();
      redis.disconnect();
      metrics.close();
    },
  };
}
