// Four-eyes in its one home, and the domain's plain text: no Slack markup anywhere in src/migration.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { approvalKindOf, fourEyesCovers, fourEyesRefusal } from "../../src/migration/transitions/fourEyes.js";
import { migrationAt, T0 } from "../bot/fixtures.js";

const m = migrationAt(5, { state: "awaiting-approval", startedAt: T0, run: 1 });

describe("four-eyes", () => {
  it("covers the cutover and each traffic step, not decommission", () => {
    expect(fourEyesCovers("gate-cutover")).toBe(true);
    expect(fourEyesCovers("traffic-step")).toBe(true);
    expect(fourEyesCovers("gate-decommission")).toBe(false);
  });

  it("refuses only the starter, only where configured, in plain text naming the id", () => {
    const refusal = fourEyesRefusal(m, "gate-cutover", m.startedBy, true);
    expect(refusal).toBe(
      `four-eyes rule: ${m.startedBy} started ${m.id}, so someone else must approve the cutover`,
    );
    expect(fourEyesRefusal(m, "traffic-step", m.startedBy, true)).toMatch(/each traffic step/);
    expect(fourEyesRefusal(m, "gate-cutover", "U0PLAT0001", true)).toBeUndefined();
    expect(fourEyesRefusal(m, "gate-cutover", m.startedBy, false)).toBeUndefined();
    expect(fourEyesRefusal(m, "gate-decommission", m.startedBy, true)).toBeUndefined();
  });

  it("knows what a step's approval approves", () => {
    const gate = m.steps.find((s) => s.kind === "gate-cutover")!;
    expect(approvalKindOf(gate)).toBe("gate-cutover");
    const shift = m.steps.find((s) => s.kind === "shift-traffic")!;
    const at = { startedAt: T0, run: 1 };
    expect(approvalKindOf({ ...shift, status: { state: "awaiting-approval", ...at } })).toBe("traffic-step");
    expect(approvalKindOf({ ...shift, status: { state: "running", ...at } })).toBeUndefined();
  });
});

describe("the domain writes no Slack markup", () => {
  it("no mention, group ping or channel link is built anywhere in src/migration", () => {
    const root = resolve(import.meta.dirname, "../../src/migration");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    const offending = files.flatMap((f) =>
      readFileSync(join(root, f), "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
        .filter(({ line }) => /<[@#]\$\{|<[@#][UWCG][A-Z0-9]|<!(channel|here|subteam|everyone)/.test(line))
        .map(({ at }) => at),
    );
    expect(offending).toEqual([]);
  });
});
