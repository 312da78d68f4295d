// `npm start`: the bot and the workers (or one of them, per HIKKOSHI_ROLE), reading only environment
// variables and the config file. SIGTERM/SIGINT drain: running steps finish, nothing new starts.
// An unhandled error is logged with its context and the process keeps serving (every step is durable and
// idempotent, so nothing is half-done by one failed request); a burst of uncaught exceptions means the
// process is no longer sound, and it exits through the same drain, never mid-step.

import { lazyPort } from "./app/lazyPort.js";
import { readSettings, SettingsError } from "./app/settings.js";
import { startHikkoshi } from "./app/startHikkoshi.js";
import { createHttpChecks } from "./checks/httpChecks.js";
import { ConfigError, loadConfigFile } from "./config/load.js";
import type { ClusterPort, TrafficPort } from "./migration/ports.js";
import { createLogger } from "./observability/logger.js";
import { installErrorPolicy } from "./processPolicy.js";

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const logger = createLogger({ level: settings.LOG_LEVEL });
  const config = loadConfigFile(settings.HIKKOSHI_CONFIG);
  // The Kubernetes and AWS clients load on first use: an idle process, or a role that never calls them,
  // does not hold them in memory.
  const ports = {
    clusters: lazyPort<ClusterPort>(async () =>
      (await import("./k8s/index.js")).createKubernetesClusters({
        logger: logger.child({ component: "k8s" }),
      }),
    ),
    traffic: lazyPort<TrafficPort>(async () =>
      (await import("./dns/index.js")).createRoute53Traffic({ logger: logger.child({ component: "dns" }) }),
    ),
    checks: createHttpChecks(),
  };
  let stop: ((reason: string, code: number) => void) | undefined;
  installErrorPolicy(process, logger, (reason) => stop?.(reason, 1));
  const app = await startHikkoshi({ settings, config, ports, logger });
  let stopping = false;
  stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "draining: letting running steps finish");
    void app.stop().then(
      () => process.exit(code),
      (err) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop?.("SIGTERM", 0));
  process.on("SIGINT", () => stop?.("SIGINT", 0));
}

main().catch((err: unknown) => {
  if (err instanceof SettingsError || err instanceof ConfigError) {
    process.stderr.write(`hikkoshi: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`hikkoshi: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
