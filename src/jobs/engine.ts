import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { HikkoshiConfig } from "../config/schema.js";
import type { MigrationCommands } from "../migration/commands.js";
import type { Ports } from "../migration/ports.js";
import { createLogger } from "../observability/logger.js";
import { MigrationStore } from "../store/migrationStore.js";
import { redisHealthWarnings } from "../store/redisHealth.js";
import { EngineCommands } from "./engineCommands.js";
import { reconcile } from "./reconciler.js";
import type { EngineRuntime } from "./runtime.js";
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
  cancelPollMs?: number;
}

export interface Engine {
  commands: MigrationCommands;
  store: MigrationStore;
  /** Start processing steps in this process (the worker role). */
  startWorkers(): Promise<void>;
  /** Drain: stop taking jobs, let running steps finish, close connections. */
  close(): Promise<void>;
}

function connect(url: string, logger: Logger, forWorker: boolean): Redis {
  // BullMQ workers need maxRetriesPerRequest: null (they block on Redis); commands fail fast instead.
  const redis = new Redis(url, { maxRetriesPerRequest: forWorker ? null : 20, enableReadyCheck: true });
  redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error (retrying)"));
  return redis;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const logger = opts.logger ?? createLogger();
  const redis = connect(opts.redisUrl, logger, false);
  const queueConn = connect(opts.redisUrl, logger, true);
  const store = new MigrationStore(redis, opts.config.retentionDays);
  const queue = new StepQueue(queueConn, opts.retry ? { retry: opts.retry } : {});
  const rt: EngineRuntime = {
    config: opts.config,
    ports: opts.ports,
    store,
    queue,
    logger,
    now: opts.now ?? Date.now,
    cancelPollMs: opts.cancelPollMs ?? 1000,
  };
  for (const warning of await redisHealthWarnings(redis)) logger.warn(warning);

  let worker: Worker | undefined;
  let workerConn: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  const commands = new EngineCommands(rt, opts.redisUrl);

  return {
    commands,
    store,
    async startWorkers() {
      if (worker) return;
      workerConn = connect(opts.redisUrl, logger, true);
      worker = startStepWorker(rt, workerConn, { ...DEFAULT_TUNING, ...opts.tuning });
      const resumed = await reconcile(rt);
      if (resumed > 0) logger.info({ resumed }, "resumed active migrations from Redis");
      timer = setInterval(() => {
        void reconcile(rt).catch((err) => logger.warn({ err: (err as Error).message }, "reconcile failed"));
      }, opts.reconcileEveryMs ?? 30_000);
    },
    async close() {
      if (timer) clearInterval(timer);
      await worker?.close();
      await queue.close();
      workerConn?.disconnect();
      queueConn.disconnect();
      redis.disconnect();
    },
  };
}
