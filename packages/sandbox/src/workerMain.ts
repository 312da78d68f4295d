// A hikkoshi worker in a process of its own (HIKKOSHI_ROLE=worker), started by the sandbox so that
// "kill a worker" is a real SIGKILL: BullMQ's stalled-job recovery and the steps' idempotency do the rest.
// Reads only the environment and the config file, as `npm start` does; prints "ready" once it takes jobs.
import { readFileSync } from "node:fs";
import pino from "pino";
import { readSettings } from "../../../src/app/settings.js";
import { startHikkoshi } from "../../../src/app/startHikkoshi.js";
import { parseConfig } from "../../../src/config/load.js";
import type { EngineOptions } from "../../../src/jobs/engine.js";
import { sandboxPorts } from "./sandboxPorts.js";

// Its ops port (/healthz, /metrics) is any free one on loopback: several sandboxes may run side by side.
const settings = readSettings({ ...process.env, HIKKOSHI_ROLE: "worker", OPS_PORT: "0" });
const config = parseConfig(readFileSync(settings.HIKKOSHI_CONFIG, "utf8"), settings.HIKKOSHI_CONFIG);
const engineOptions = JSON.parse(process.env.SANDBOX_ENGINE_OPTIONS ?? "{}") as Partial<EngineOptions>;
const app = await startHikkoshi({
  settings,
  config,
  ports: sandboxPorts(process.env.KUBECONFIG ?? ""),
  logger: pino({ level: process.env.SANDBOX_WORKER_LOG ?? "error" }),
  engineOptions,
  opsHost: "127.0.0.1",
});
process.stdout.write("ready\n");
const stop = () => void app.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// If the sandbox itself dies without stopping us, do not linger as an orphan holding Redis jobs.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1000).unref();
