// Scenario files are written by hand: every mistake is reported with the file and line it is on and
// what would be accepted there, and no input makes the parser do anything but return or say why.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadScenario, namedScenarios } from "../src/rehearse/rehearse.js";
import { parseScenario, ScenarioError } from "../src/rehearse/scenario.js";
import { parseStep } from "../src/rehearse/steps.js";

function problems(text: string): string[] {
  try {
    parseScenario(text, "team.yaml");
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
}

describe("rehearsal scenario files", () => {
  it("every named scenario parses, and the game days the issue names are there", () => {
    const names = namedScenarios();
    for (const n of ["happy", "rollback-at-cutover", "rollback-after-traffic", "worker-crash"])
      expect(names).toContain(n);
    for (const n of names) expect(loadScenario(n).steps.length).toBeGreaterThan(0);
  });

  it("reads steps into data", () => {
    const s = parseScenario(
      "name: t\nsteps:\n  - as bob click Approve cutover\n  - kill a worker\n  - expect DNS at new\n  - wait for step handoff succeeded|skipped\nend:\n  status: completed\n  atStart: false\n",
      "t.yaml",
    );
    expect(s.steps.map((x) => [x.line, x.step])).toEqual([
      [3, { kind: "click", user: "bob", label: "Approve cutover" }],
      [4, { kind: "fault", fault: "worker-kill", on: true }],
      [5, { kind: "expect-dns", where: "new", wait: false }],
      [6, { kind: "wait-step", step: "handoff", states: ["succeeded", "skipped"] }],
    ]);
    expect(s.end).toEqual({ status: "completed", atStart: false });
    expect(s.strategy).toBe("cnameSwap");
  });

  it("names the line of an unknown step and shows the forms steps take", () => {
    const p = problems(
      "name: t\nsteps:\n  - as alice run /migrate start production\n  - as bob clik Approve cutover\n",
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^team\.yaml:4: unknown step "as bob clik Approve cutover"/);
    expect(p[0]).toContain("as <user> click <button label>");
  });

  it("names the line of an unknown user, step id, status and fault, with what exists", () => {
    const p = problems(
      "name: t\nsteps:\n  - as eve run /migrate start production\n  - wait for step hand-off succeeded\n  - wait for status done\n  - fault dns-down\nend:\n  status: finished\n",
    );
    expect(p).toEqual([
      expect.stringMatching(/^team\.yaml:3: unknown user "eve"; the sandbox has alice, bob, mallory, carol/),
      expect.stringMatching(/^team\.yaml:4: unknown step "hand-off"; the runbook has .*handoff/),
      expect.stringMatching(/^team\.yaml:5: unknown status "done"; use one of .*completed/),
      expect.stringMatching(/^team\.yaml:6: unknown fault "dns-down"; use one of kube-slow/),
      expect.stringMatching(/^team\.yaml:8: end status "finished"/),
    ]);
  });

  it("names the line of YAML syntax errors, unknown keys and a step that is not one line of text", () => {
    expect(problems("name: t\nsteps:\n  - as bob click Approve\n   - broken: [\n")[0]).toMatch(
      /^team\.yaml:\d+: YAML syntax/,
    );
    expect(problems("name: t\nstep:\n  - kill a worker\n")).toEqual([
      expect.stringMatching(/^team\.yaml:2: unknown key "step"; a scenario has name, description/),
      expect.stringMatching(/"steps" must be a list/),
    ]);
    expect(problems("name: t\nsteps:\n  - as bob: click Approve\n")[0]).toMatch(
      /^team\.yaml:3: a step is one line of text.*quote it if it has a colon/,
    );
    expect(problems("- just a list\n")[0]).toMatch(/^team\.yaml:1: a scenario is a mapping/);
  });

  it("any text at all as a scenario or a step: parsed, or refused with a line number, never a crash", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const p = problems(text);
        for (const line of p) expect(line).toMatch(/^team\.yaml:\d+: /);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        const r = parseStep(line);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("a missing named scenario lists the ones there are", () => {
    expect(() => loadScenario("hapy")).toThrow(/no such file; named scenarios: .*happy/);
  });
});
