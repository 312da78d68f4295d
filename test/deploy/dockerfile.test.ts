// No Docker engine runs here, so the image is checked by reading deploy/Dockerfile: the base image, the
// user, what each stage copies (no test hosts, sandbox, tests or benchmarks; compiled JavaScript and
// production dependencies only), and its HEALTHCHECK command, which is run for real against a server.

import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** Instructions by stage; continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, " ");
  const stages: Stage[] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op || args === undefined) throw new Error(`cannot read: ${line}`);
    if (op.toUpperCase() === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: m![1]!, ...(m![2] ? { name: m![2] } : {}), steps: [] });
    } else stages.at(-1)!.steps.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const stages = parseDockerfile(readFileSync("deploy/Dockerfile", "utf8"));
const runtime = stages.at(-1)!;
const all = (op: string, s: Stage[] = stages) => s.flatMap((x) => x.steps.filter((i) => i.op === op));
const FORBIDDEN = /(^|[\s/])(packages|test|bench)(\/|\s|$)/;

function execForm(args: string): string[] {
  return JSON.parse(args.replace(/^CMD\s+/, "")) as string[];
}

describe("deploy/Dockerfile", () => {
  it("is multi-stage on Node 24 and runs as a numeric non-root user", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const s of stages) expect(s.from).toMatch(/^node:24(-|$)/);
    const users = all("USER", [runtime]);
    expect(users).toHaveLength(1);
    const [uid] = users[0]!.args.split(":");
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it("copies only compiled JavaScript and production dependencies into the runtime stage", () => {
    const copies = all("COPY", [runtime]).map((c) => c.args);
    const names = new Map(stages.map((s) => [s.name, s]));
    const sources = copies.map((c) => {
      const from = /--from=(\S+)/.exec(c)?.[1];
      expect(from, `runtime copies from the build context: ${c}`).toBeDefined();
      expect(names.has(from)).toBe(true);
      const paths = c
        .split(/\s+/)
        .filter((p) => !p.startsWith("--"))
        .slice(0, -1);
      return { stage: names.get(from)!, paths };
    });
    expect(sources.flatMap((s) => s.paths).sort()).toEqual([
      "/app/dist/src",
      "/app/node_modules",
      "/app/package.json",
    ]);
    // node_modules comes from a stage that installed production dependencies only, without the workspaces.
    const deps = sources.find((s) => s.paths.includes("/app/node_modules"))!.stage;
    const installs = all("RUN", [deps]).map((r) => r.args);
    expect(installs.some((r) => /npm ci\b.*--omit=dev/.test(r) && /--workspaces=false/.test(r))).toBe(true);
    // dist/src is what tsconfig.build.json compiles: src only.
    const build = sources.find((s) => s.paths.includes("/app/dist/src"))!.stage;
    expect(all("RUN", [build]).some((r) => /tsc -p tsconfig\.build\.json/.test(r.args))).toBe(true);
    const buildConfig = readFileSync("tsconfig.build.json", "utf8");
    expect(buildConfig).toMatch(/"include":\s*\["src"\]/);
    expect(existsSync("src/main.ts")).toBe(true);
  });

  it("never copies the test hosts, the sandbox, tests or benchmarks, and its context excludes them", () => {
    for (const c of all("COPY")) expect(c.args, c.args).not.toMatch(FORBIDDEN);
    expect(all("ADD")).toEqual([]);
    const ignore = readFileSync("deploy/Dockerfile.dockerignore", "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(ignore[0]).toBe("*");
    for (const allowed of ignore.slice(1)) {
      expect(allowed.startsWith("!")).toBe(true);
      expect(allowed).not.toMatch(FORBIDDEN);
    }
  });

  it("starts the compiled entry point with node, not npm (whose prestart compiles)", () => {
    const cmd = all("CMD", [runtime]);
    expect(cmd).toHaveLength(1);
    expect(execForm(cmd[0]!.args)).toEqual(["node", "dist/src/main.js"]);
    expect(all("ENV", [runtime]).map((e) => e.args)).toContain("NODE_ENV=production");
  });

  it("HEALTHCHECK asks /healthz with node's own fetch: 0 when it answers 200, 1 when not, per role", async () => {
    const hc = all("HEALTHCHECK", [runtime]);
    expect(hc).toHaveLength(1);
    const cmd = execForm(hc[0]!.args.replace(/^.*?CMD\s+/, ""));
    expect(cmd[0]).toBe("node");
    expect(hc[0]!.args).not.toMatch(/curl|wget/);
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? "");
      res.writeHead(status);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = String((server.address() as AddressInfo).port);
    const run = (env: Record<string, string>) =>
      new Promise<number>((resolve) => {
        execFile(process.execPath, cmd.slice(1), { env: { PATH: process.env.PATH ?? "", ...env } }, (err) =>
          resolve(err ? ((err as { code?: number }).code ?? 1) : 0),
        );
      });
    try {
      expect(await run({ PORT: port })).toBe(0);
      expect(await run({ HIKKOSHI_ROLE: "worker", OPS_PORT: port, PORT: "1" })).toBe(0);
      status = 503;
      expect(await run({ PORT: port })).toBe(1);
      expect(paths).toEqual(["/healthz", "/healthz", "/healthz"]);
    } finally {
      server.close();
    }
  });
});
