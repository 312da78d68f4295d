// The process policy on a real Node process: unhandled rejections and uncaught exceptions are logged with
// their context and the process keeps serving; a burst of uncaught exceptions drains, then exits.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FATAL_BURST } from "../../src/processPolicy.js";

const policy = fileURLToPath(new URL("../../src/processPolicy.ts", import.meta.url));

// The child: the policy on its real `process`, a logger writing JSON lines, and a drain that says so.
const child = (script: string) => `
import { installErrorPolicy } from ${JSON.stringify(policy)};
const line = (level) => (obj, msg) => process.stdout.write(JSON.stringify({ level, msg, ...obj }) + "\\n");
const logger = { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
installErrorPolicy(process, logger, (reason) => {
  process.stdout.write(JSON.stringify({ drain: reason }) + "\\n");
  setTimeout(() => process.exit(1), 10);
});
${script}
`;

function run(script: string): Promise<{ code: number | null; lines: Array<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child(script)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      const lines = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (lines.length === 0) reject(new Error(`no output (exit ${code}): ${err}`));
      else resolve({ code, lines });
    });
  });
}

describe("process policy", () => {
  it("logs unhandled errors with their context and keeps serving", async () => {
    const { code, lines } = await run(`
      Promise.reject(new Error("redis went away"));
      setTimeout(() => { throw new TypeError("a bug in a timer"); }, 20);
      setTimeout(() => { process.stdout.write(JSON.stringify({ alive: true }) + "\\n"); process.exit(0); }, 200);
    `);
    expect(code).toBe(0);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "error", kind: "unhandledRejection", err: "redis went away" }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        kind: "uncaughtException",
        name: "TypeError",
        err: "a bug in a timer",
        stack: expect.stringContaining("TypeError: a bug in a timer"),
      }),
    );
    expect(lines.at(-1)).toEqual({ alive: true });
  });

  it(`a burst of ${FATAL_BURST} uncaught exceptions drains and exits`, async () => {
    const { code, lines } = await run(`
      for (let i = 0; i < ${FATAL_BURST}; i++) setTimeout(() => { throw new Error("broken " + i); }, 10 + i);
      setTimeout(() => { process.stdout.write(JSON.stringify({ alive: true }) + "\\n"); process.exit(0); }, 5000);
    `);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.kind === "uncaughtException")).toHaveLength(FATAL_BURST);
    expect(lines).toContainEqual({ drain: `${FATAL_BURST} uncaught exceptions within 60 s` });
    expect(lines).not.toContainEqual({ alive: true });
  });
});
