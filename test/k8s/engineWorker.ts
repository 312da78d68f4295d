// The step worker of test/k8s/engineWorld.ts, in its own process so a test can SIGKILL it. Real
// Kubernetes port over HTTP to the test hosts; production lock and stalled-check settings (no tuning).
import pino from "pino";
import { parseConfig } from "../../src/config/load.js";
import { createEngine } from "../../src/jobs/engine.js";
import { createKubernetesClusters } from "../../src/k8s/kubernetesClusters.js";
import { createTestPorts } from "../support/testPorts.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as {
  redisUrl: string;
  kubeconfig: string;
  configYaml: string;
  retry: { attempts: number; delayMs: number };
};
const testPorts = createTestPorts({ redisUrl: opts.redisUrl });
const engine = await createEngine({
  redisUrl: opts.redisUrl,
  config: parseConfig(opts.configYaml),
  ports: {
    ...testPorts,
    clusters: createKubernetesClusters({
      kubeconfig: opts.kubeconfig,
      poll: { veleroMs: 50, readinessMs: 50, drainMs: 100 },
      retry: { baseDelayMs: 50, maxDelayMs: 1000 },
      requestTimeoutMs: 5_000,
    }),
  },
  logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
  retry: { attempts: opts.retry.attempts, backoff: { type: "fixed", delay: opts.retry.delayMs } },
  reconcileEveryMs: 1_000,
  cancelPollMs: 200,
});
await engine.startWorkers();
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void engine.close().then(() => process.exit(0));
});
