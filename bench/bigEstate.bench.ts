// The seed's estate, whole: 2,000 Deployments and 800 CronJobs (100 of them forbidden) across 10
// namespaces, 5 ms per Kubernetes request on both clusters, one whole migration driven only through Slack
// (signed /migrate start and clicks) against the sandbox world. Gates are approved as soon as their
// button shows; that wait is apart. The floor, per step: the waits the configuration and DNS impose
// (soaks, the lowered TTL running out before cutover) plus the time the rate limits allow the requests
// the step needs (the Kubernetes client pacing the config sets: a burst of `concurrency`, then
// `requestsPerSecond`; Route 53's documented token buckets), never less than Σ latency × requests ÷
// concurrency. Handoff and decommission count the fewest requests a correct step makes (one write per
// resource changed, paged reads), not hikkoshi's own; the other steps' counts are small. The
// sandbox's simulated Velero and readiness delays are not in the floor; they are reported apart.

import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { type BenchEntry, benchMain, measureInChild, round } from "./common.js";
import { bucketFloorMs } from "./floors.js";
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

/** Objects per list page a batched read asks for (kubectl's chunk size). */
const LIST_PAGE = 500;

interface EstateCount {
  deployments: number;
  cronJobs: number;
  forbidden: number;
}

/**
 * The fewest Kubernetes requests a correct step can make, per cluster, for the steps whose count grows
 * with the estate: one write per resource it must change on that cluster plus paged list reads (one kind,
 * one namespace at a time). Every other step keeps the requests hikkoshi made (a few dozen at most).
 */
function minimumRequests(id: string, e: EstateCount): { old: number; new: number } | undefined {
  const ns = SEED.namespaces.length;
  const pages = (n: number) => ns * Math.max(1, Math.ceil(n / ns / LIST_PAGE));
  switch (id) {
    case "handoff": // each forbidden CronJob stopped on the source and started on the target
      return { old: e.forbidden + pages(e.cronJobs), new: e.forbidden + pages(e.cronJobs) };
    case "decommission": // every Deployment scaled to zero on the source (CronJobs were settled at handoff)
      return { old: e.deployments + pages(e.deployments), new: 0 };
    default:
      return undefined;
  }
}

async function measure(): Promise<Record<string, unknown>> {
  const run = await runMigration(SEED, false, { latencyMs: LATENCY_MS, timeoutMs: TIMEOUT_MS });
  const s = summarize(run);
  const kubeFloor = (n: number) => bucketFloorMs(n, run.concurrency, run.requestsPerSecond);
  type Row = (typeof s.table)[number];
  /** A step's floor with the Kubernetes requests it needs at least, not the ones hikkoshi sent. */
  const stepFloor = (r: Row) => {
    const min = minimumRequests(r.id, run.estate);
    if (!min) return Math.max(r.idealMs, r.floorMs);
    const ideal = ((min.old + min.new) * LATENCY_MS) / run.concurrency;
    return Math.max(ideal, kubeFloor(min.old), kubeFloor(min.new));
  };
  const steps = s.table.filter((r) => r.row === "step");
  const floorMs = round(
    steps.reduce((a, r) => a + stepFloor(r), 0),
    0,
  );
  const atOwnRequestsMs = round(
    steps.reduce((a, r) => a + Math.max(r.idealMs, r.floorMs), 0),
    0,
  );
  const totalMs = s.time.wallExcludingGatesMs;
  /** Requests of a step's window by verb, per cluster (where the big steps' requests go). */
  const verbsIn = (id: string) => {
    const w = run.windows.find((x) => x.id === id);
    const count = (events: readonly { t: number; verb: string }[]) => {
      const out: Record<string, number> = {};
      for (const e of events) if (w && e.t > w.from && e.t <= w.to) out[e.verb] = (out[e.verb] ?? 0) + 1;
      return out;
    };
    return { old: count(run.kube.old), new: count(run.kube.new) };
  };
  return {
    estate: run.estate,
    kubeLatencyMs: LATENCY_MS,
    kubeConcurrency: run.concurrency,
    kubeRequestsPerSecond: run.requestsPerSecond,
    /** The whole migration, command to completion, gate waits excluded. */
    totalMs,
    /** Σ over steps of max(ideal, rate-limit floor of the requests needed + soaks + TTL wait). */
    floorMs,
    /** Goal ≤ 1.3. */
    ratio: floorMs > 0 ? round(totalMs / floorMs) : null,
    /** The same floor counting the Kubernetes requests hikkoshi sent (its own request count). */
    floorAtOwnRequestsMs: atOwnRequestsMs,
    ratioAtOwnRequests: atOwnRequestsMs > 0 ? round(totalMs / atOwnRequestsMs) : null,
    stepSumMs: s.time.stepSumMs,
    betweenStepsMs: s.time.betweenStepsMs,
    gateWaitMs: s.time.gateWaitMs,
    kubernetesRequests: s.kube,
    route53: route53Figures(run),
    steps: s.table.map((r) => {
      const step = r.row === "step";
      const min = minimumRequests(r.id, run.estate);
      return {
        id: r.id,
        ...(step ? {} : { row: r.row }),
        wallMs: r.wallMs,
        ...(step ? { queuedMs: r.queuedMs } : {}),
        floorMs: step ? round(stepFloor(r), 0) : null,
        ratio: step && stepFloor(r) > 0 ? round(r.wallMs / stepFloor(r)) : null,
        kube: r.kube,
        ...(min ? { kubeMinimum: min, kubeByVerb: verbsIn(r.id) } : {}),
        route53: r.route53,
      };
    }),
  };
}

const ENTRY: BenchEntry = {
  url: import.meta.url,
  name: "big-estate",
  measure,
  killAfterMs: TIMEOUT_MS + 120_000,
};

/** In a fresh Node process, so the other benches' heaps and timers do not weigh on it. */
export function runBigEstateBench(): Promise<Record<string, unknown>> {
  return measureInChild(ENTRY);
}

benchMain(ENTRY);
