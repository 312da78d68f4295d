// `npm run sandbox -- --rehearse <scenario>`: a game day, headless. Exit 0 when every step passed, the
// world ended where the scenario says and no invariant broke; 1 when not; 2 when the scenario is unusable.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { closeOnSignal } from "../closeOnSignal.js";
import type { EstateSize } from "../demoEstate.js";
import { startSession } from "../session.js";
import { type RehearsalResult, runScenario } from "./runner.js";
import { parseScenario, type Scenario, ScenarioError } from "./scenario.js";

export const SCENARIO_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/** Small enough to run in seconds, with every kind of object the steps touch. */
export const REHEARSAL_ESTATE: EstateSize = {
  namespaces: ["web", "batch"],
  deploymentsPerNamespace: 2,
  cronJobsPerNamespace: 3,
  forbiddenEvery: 2,
};

export function namedScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""))
    .sort();
}

/** A name from scenarios/, or a path (relative to where npm was run). */
export function resolveScenario(arg: string): string {
  if (/\.ya?ml$/.test(arg) || arg.includes("/")) {
    return isAbsolute(arg) ? arg : resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  }
  return join(SCENARIO_DIR, `${arg}.yaml`);
}

export function loadScenario(arg: string): Scenario {
  const path = resolveScenario(arg);
  if (!existsSync(path)) {
    const hint =
      arg.includes("/") || /\.ya?ml$/.test(arg) ? "" : `; named scenarios: ${namedScenarios().join(", ")}`;
    throw new ScenarioError(arg, [`${path}: no such file${hint}`]);
  }
  return parseScenario(readFileSync(path, "utf8"), path);
}

export async function rehearseScenario(
  scenario: Scenario,
  opts: { logger: Logger; log?: (line: string) => void },
): Promise<RehearsalResult> {
  const needsWorkerProcess = scenario.steps.some(
    (s) => s.step.kind === "fault" && s.step.fault === "worker-kill",
  );
  const session = await startSession({
    strategy: scenario.strategy,
    logger: opts.logger,
    estate: REHEARSAL_ESTATE,
    minUpdateIntervalMs: 200,
    inProcessWorkers: !needsWorkerProcess,
  });
  const release = closeOnSignal(() => session.close());
  try {
    return await runScenario(session, scenario, opts.log);
  } finally {
    release();
    await session.close();
  }
}

type Out = { logger: Logger; out: NodeJS.WritableStream };

/** `all` runs every named scenario in turn; the exit code is the worst of them. */
export async function rehearse(arg: string, opts: Out): Promise<number> {
  if (arg !== "all") return rehearseOne(arg, opts);
  let worst = 0;
  for (const name of namedScenarios()) worst = Math.max(worst, await rehearseOne(name, opts));
  return worst;
}

async function rehearseOne(arg: string, opts: Out): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = loadScenario(arg);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    opts.out.write(`${err.message}\n`);
    return 2;
  }
  opts.out.write(`rehearsal "${scenario.name}" (${scenario.strategy}): ${scenario.description}\n`);
  const started = Date.now();
  const result = await rehearseScenario(scenario, {
    logger: opts.logger,
    log: (l) => opts.out.write(`${l}\n`),
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (result.ok) {
    opts.out.write(
      `PASS ${scenario.name} in ${secs} s: every step passed, the world ended as expected, invariants held\n`,
    );
    return 0;
  }
  opts.out.write(
    `FAIL ${scenario.name} in ${secs} s:\n${result.failures.map((f) => `  - ${f}`).join("\n")}\n`,
  );
  opts.out.write(`\nthe live message at the end:\n${result.console}\n`);
  return 1;
}
