// The seed's estate, whole: 2,000 Deployments and 800 CronJobs (100 of them forbidden) across 10
// namespaces, 5 ms per Kubernetes request on both clusters, one whole migration driven only through Slack
// (signed /migrate start and clicks) against the sandbox world. Gates are approved as soon as their
// button shows; that wait is apart. The floor, per step: the waits the configuration and DNS impose
// (soaks, the lowered TTL running out before cutover) plus the time the rate limits allow the step's
// requests (hikkoshi's Kubernetes client pacing: a burst of `concurrency`, then `requestsPerSecond`;
// Route 53's documented token buckets), and never less than Σ latency × requests ÷ concurrency. The
// sandbox's simulated Velero and readiness delays are not in the floor; they are reported apart.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { runMigration, summarize } from "./migration.bench.js";
import { route53Figures } from "./route53.bench.js";

const LATENCY_MS = 5;
/** 10 namespaces × 200 Deployments (2,000; the ingress controller comes on top), 10 × 80 CronJobs, every 8th forbidden (100). */
const SEED: EstateSize = {
  namespaces: Array.from({ length: 10 }, (_, i) => `team-${String(i).padStart(2, "0")}`),
  deploymentsPerNamespace: 200,
  cronJobsPerNamespace: 80,
  forbiddenEvery: 8,
};
const TIMEOUT_MS = 420_000;

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

async function measure(): Promise<Record<string, unknown>> {
  const run = await runMigration(SEED, false, { latencyMs: LATENCY_MS, timeoutMs: TIMEOUT_MS });
  const s = summarize(run);
  const steps = s.table.filter((r) => r.row === "step");
  const floorMs = round(
    steps.reduce((a, r) => a + Math.max(r.idealMs, r.floorMs), 0),
    0,
  );
  const totalMs = s.time.wallExcludingGatesMs;
  return {
    estate: run.estate,
    kubeLatencyMs: LATENCY_MS,
    kubeConcurrency: run.concurrency,
    kubeRequestsPerSecond: run.requestsPerSecond,
    /** The whole migration, command to completion, gate waits excluded. */
    totalMs,
    /** Σ over steps of max(ideal, rate-limit floor + soaks + TTL wait). */
    floorMs,
    /** Goal ≤ 1.3. */
    ratio: floorMs > 0 ? round(totalMs / floorMs) : null,
    stepSumMs: s.time.stepSumMs,
    betweenStepsMs: s.time.betweenStepsMs,
    gateWaitMs: s.time.gateWaitMs,
    kubernetesRequests: s.kube,
    route53: route53Figures(run),
    steps: s.table.map((r) => ({
      id: r.id,
      ...(r.row !== "step" ? { row: r.row } : {}),
      wallMs: r.wallMs,
      ...(r.row === "step" ? { queuedMs: r.queuedMs } : {}),
      floorMs: r.row === "step" ? round(Math.max(r.idealMs, r.floorMs), 0) : null,
      ratio:
        r.row === "step" && Math.max(r.idealMs, r.floorMs) > 0
          ? round(r.wallMs / Math.max(r.idealMs, r.floorMs))
          : null,
      kube: r.kube,
      route53: r.route53,
    })),
  };
}

const CHILD_OUT = "HIKKOSHI_BIG_ESTATE_BENCH_OUT";

/** In a fresh Node process, so the other benches' heaps and timers do not weigh on it. */
export async function runBigEstateBench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-bench-"));
  const out = join(dir, "bigEstate.json");
  try {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD_OUT]: out },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS + 120_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`big-estate bench child exited with ${code}`);
    return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outPath = process.env[CHILD_OUT];
  const work = outPath
    ? measure().then((r) => writeFileSync(outPath, JSON.stringify(r)))
    : runBigEstateBench().then((r) => console.log(JSON.stringify(r, null, 2)));
  work
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
