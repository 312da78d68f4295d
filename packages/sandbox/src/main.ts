// `npm run sandbox`: the sandbox world (two simulated clusters, Route 53, Slack, Redis, hikkoshi itself)
// and a console at one URL that looks and behaves like a Slack channel, until Ctrl-C.
// `-- --script` prints one scripted run instead; `-- --rehearse <scenario>` runs a game day headless.
import { parseArgs } from "node:util";
import pino from "pino";
import { startConsoleServer } from "./console/server.js";
import { rehearse } from "./rehearse/rehearse.js";
import { runScript } from "./script.js";
import { startSession } from "./session.js";

const USAGE = `usage: npm run sandbox -- [--port N] [--strategy weighted|cnameSwap] [--verbose]
       npm run sandbox -- --script [--rollback]
       npm run sandbox -- --rehearse <scenario | all | path/to/scenario.yaml>

With no mode, starts the sandbox and serves the console (a Slack channel, the world beside it, faults on
demand) at the printed URL until Ctrl-C. Everything runs on 127.0.0.1; no accounts, no network.
--script     runs one scripted migration end to end and prints the channel as text (for terminals and CI);
             --rollback presses Rollback at the decommission gate instead.
--rehearse   runs a game-day scenario headless and exits non-zero if an invariant broke or the world did
             not end where the scenario says. Named scenarios: packages/sandbox/scenarios/*.yaml.
`;

const { values } = parseArgs({
  options: {
    script: { type: "boolean", default: false },
    rehearse: { type: "string" },
    strategy: { type: "string", default: "weighted" },
    rollback: { type: "boolean", default: false },
    port: { type: "string", default: process.env.SANDBOX_PORT ?? "3100" },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const strategy = values.strategy;
if (strategy !== "weighted" && strategy !== "cnameSwap") {
  process.stderr.write(`unknown --strategy "${strategy}"; use weighted or cnameSwap\n`);
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a port number (0 to 65535), not "${values.port}"\n`);
  process.exit(2);
}
const logger = pino({ level: values.verbose ? "info" : "error" });

if (values.script) {
  await runScript({ strategy, rollback: values.rollback, logger });
  process.exit(0);
}
if (values.rehearse !== undefined) {
  process.exit(await rehearse(values.rehearse, { logger, out: process.stdout }));
}

process.stdout.write("starting the sandbox (two clusters, Route 53, Slack, Redis, hikkoshi)...\n");
const session = await startSession({ strategy, logger });
const restart = () => startSession({ strategy, logger });
const server = await startConsoleServer(session, { port, restart }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== "EADDRINUSE") throw err;
  process.stdout.write(`port ${port} is taken; using a free one\n`);
  return startConsoleServer(session, { port: 0, restart });
});
process.stdout.write(`\n  hikkoshi sandbox console: ${server.url}\n\n  (Ctrl-C to stop)\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void server
    .close()
    .then(() => server.session().close())
    .finally(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
