// What the bench files share: small number helpers, and running a bench's measurement in a fresh Node
// process (so other benches' heaps and timers do not weigh on it) that hands its result back as JSON.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The value at quantile `q` (0..1) of ascending `sorted` (nearest rank below; 0 when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** The median (the mean of the middle two for an even count; 0 when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export interface BenchEntry {
  /** The bench file's `import.meta.url`. */
  url: string;
  /** Names the child and the environment variable it writes its result through ("big-estate"). */
  name: string;
  /** The measurement, run in the child. */
  measure: () => Promise<Record<string, unknown>>;
  /** Node flags for the child besides `--import tsx` (e.g. `--expose-gc`). */
  nodeFlags?: string[];
  /** The child is killed after this long. */
  killAfterMs: number;
}

const outVar = (e: BenchEntry) => `HIKKOSHI_${e.name.toUpperCase().replace(/-/g, "_")}_BENCH_OUT`;

/** Runs the bench file again in a child process, which runs `measure` and writes its result; returns it. */
export async function measureInChild(e: BenchEntry): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-bench-"));
  const out = join(dir, `${e.name}.json`);
  try {
    const child = spawn(process.execPath, [...(e.nodeFlags ?? []), "--import", "tsx", fileURLToPath(e.url)], {
      env: { ...process.env, [outVar(e)]: out },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), e.killAfterMs);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`${e.name} bench child exited with ${code}`);
    return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When the bench file is run directly: as the child, measure and write; otherwise run it in a child and print. */
export function benchMain(e: BenchEntry): void {
  if (!process.argv[1] || e.url !== pathToFileURL(process.argv[1]).href) return;
  const outPath = process.env[outVar(e)];
  const work = outPath
    ? e.measure().then((r) => writeFileSync(outPath, JSON.stringify(r)))
    : measureInChild(e).then((r) => console.log(JSON.stringify(r, null, 2)));
  work
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
