// Every scripted game day in scenarios/ runs headless on a fresh sandbox and must pass: each step, the
// end state it names, and the invariant watch throughout. Also: a rehearsal that should fail does, by
// line, and the command line exits non-zero for it (and 2 for a malformed file).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadScenario, namedScenarios, rehearseScenario } from "../src/rehearse/rehearse.js";
import { parseScenario } from "../src/rehearse/scenario.js";

const logger = pino({ level: "silent" });
const ROOT = join(import.meta.dirname, "../../..");

describe("scripted game days", () => {
  for (const name of namedScenarios()) {
    it(`${name}: every step passes, the world ends where the scenario says, invariants hold`, async () => {
      const scenario = loadScenario(name);
      const result = await rehearseScenario(scenario, { logger });
      expect(result.failures, result.console).toEqual([]);
      expect(result.steps).toHaveLength(scenario.steps.length);
      expect(result.ok).toBe(true);
    }, 240_000);
  }

  it("a rehearsal whose expectation is wrong fails at that line, and the world end is checked too", async () => {
    const scenario = parseScenario(
      "name: wrong\nsteps:\n  - expect cronjobs on old\n  - expect DNS at new\n  - expect world at start\n",
      "wrong.yaml",
    );
    const result = await rehearseScenario(scenario, { logger });
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual(["line 4: expect DNS at new: DNS is at old, not new"]);
    expect(result.steps.map((s) => s.ok)).toEqual([true, false]);
  }, 60_000);

  it("the command line: exit 1 and the failing line for a failed rehearsal, exit 2 naming the line for a malformed file", () => {
    const dir = mkdtempSync(join(tmpdir(), "hikkoshi-scenario-"));
    writeFileSync(join(dir, "fails.yaml"), "name: fails\nsteps:\n  - expect DNS at new\n");
    writeFileSync(
      join(dir, "broken.yaml"),
      "name: broken\nsteps:\n  - expect DNS at new\n  - as bob clik Approve\n",
    );
    const run = (file: string) =>
      spawnSync(
        process.execPath,
        ["--import", "tsx", "packages/sandbox/src/main.ts", "--rehearse", join(dir, file)],
        {
          cwd: ROOT,
          encoding: "utf8",
          timeout: 120_000,
        },
      );
    const broken = run("broken.yaml");
    expect(broken.status).toBe(2);
    expect(broken.stdout).toMatch(/broken\.yaml:4: unknown step "as bob clik Approve"/);
    const fails = run("fails.yaml");
    expect(fails.stdout).toMatch(/FAIL fails .*\n\s+- line 3: expect DNS at new: DNS is at old, not new/);
    expect(fails.status).toBe(1);
  }, 180_000);
});
