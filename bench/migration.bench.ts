// A whole migration of a realistic estate, driven only through Slack-shaped requests (signed slash command
// and button clicks) against the sandbox world (real redis-server, two Kubernetes API test hosts with 2 ms
// of injected latency, Route 53 and Slack test hosts, hikkoshi wired like `npm start`). Every figure comes
// with a baseline measured in the same run:
//   - time per step: the same migration of a tiny estate (scaling big/tiny); the ideal
//     Σ(latency × requests) / concurrency; and a floor: the client-side pacing hikkoshi imposes on itself
//     (Kubernetes 50 req/s per cluster after a burst of `concurrency`, Route 53 token buckets) plus the soaks
//     the configuration asks for. The sandbox's simulated Velero and readiness delays are not in the floor;
//   - Redis commands (MONITOR, attributed to steps by timestamp; INFO commandstats as a cross-check): a bare
//     BullMQ queue and worker (same job and worker options) running as many no-op jobs, one after another,
//     on its own redis-server (commands per job, hikkoshi/bare), and both idle over 31 s;
//   - Kubernetes and Route 53 requests: the tiny estate (and requests per effective DNS change);
//   - RSS (sampled every 50 ms): the same world idle, before the migration starts (peak/idle);
//   - Slack Web API calls: state transitions (the record's `version`).
// Gates are approved as soon as their button appears; that wait is reported apart and excluded from the
// step totals. The measurement runs in a child process so that its RSS is not the other benches' RSS.
// Everything listens on 127.0.0.1; every loop is bounded.

import { createHash } from "node:crypto";
import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { SlackDriver } from "@hikkoshi/sandbox/driver";
import { SANDBOX_USERS, type SandboxWorld, startSandboxWorld } from "@hikkoshi/sandbox/world";
import type { KubeHost } from "@hikkoshi/test-hosts/kube";
import { startRedisServer } from "@hikkoshi/test-hosts/redisServer";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { RETRY, STEP_QUEUE } from "../src/jobs/stepJobs.js";
import { DEFAULT_TUNING } from "../src/jobs/stepWorker.js";
import { isGate, isTerminal, type Migration } from "../src/migration/types.js";
import { MigrationStore } from "../src/store/migrationStore.js";
import { COMPARE_AND_SET } from "../src/store/scripts/compareAndSet.js";
import { CREATE_MIGRATION } from "../src/store/scripts/createMigration.js";
import { type BenchEntry, benchMain, measureInChild, round, sleep } from "./common.js";
import { ROUTE53_BURST, ROUTE53_REFILL, route53FloorMs } from "./floors.js";

const LATENCY_MS = 2;
/** 12 namespaces × 4 Deployments (+ the ingress controller), 12 × 25 CronJobs, every 3rd forbidden. */
const BIG: EstateSize = {
  namespaces: Array.from({ length: 12 }, (_, i) => `team-${String(i).padStart(2, "0")}`),
  deploymentsPerNamespace: 4,
  cronJobsPerNamespace: 25,
  forbiddenEvery: 3,
};
/** 1 namespace × 2 Deployments, 6 CronJobs, 2 forbidden. */
const TINY: EstateSize = {
  namespaces: ["web"],
  deploymentsPerNamespace: 2,
  cronJobsPerNamespace: 6,
  forbiddenEvery: 3,
};
/** Longer than the reconciler's and BullMQ's stalled-check period (30 s), so both show in the idle rate. */
const IDLE_MS = 31_000;
const RSS_EVERY_MS = 50;
const MIGRATION_TIMEOUT_MS = 150_000;
const MAX_EVENTS = 2_000_000;
const ENV = "production";

const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

// ---------------------------------------------------------------------------------------------------
// Recorders

interface RedisEvent {
  t: number;
  cmd: string;
  /** EVALSHA's script sha (to tell hikkoshi's compare-and-set and create scripts from BullMQ's). */
  sha?: string;
  /** Run by a Lua script (EVALSHA's inner redis.call), not sent by a client. */
  lua: boolean;
}

interface RedisRecorder {
  events: RedisEvent[];
  dropped: number;
  /** When the probe's commands ran (excluded from `events`; present in `commandstats`). */
  probeTimes: number[];
  /** The probe connection: the bench's own reads, never counted. */
  probe: Redis;
  probeAddr: string;
  commandstats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** MONITOR on its own connection; the probe's commands are told apart by its address. */
async function recordRedis(url: string): Promise<RedisRecorder> {
  const probe = new Redis(url, { maxRetriesPerRequest: 3 });
  const info = String(await probe.call("CLIENT", "INFO"));
  const probeAddr = /addr=(\S+)/.exec(info)?.[1] ?? "?";
  const monitorConn = new Redis(url);
  const monitor = await monitorConn.monitor();
  const rec: RedisRecorder = {
    events: [],
    dropped: 0,
    probeTimes: [],
    probe,
    probeAddr,
    async commandstats() {
      const text = String(await probe.info("commandstats"));
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1] ?? "?"] = Number(m[2]);
      return out;
    },
    async stop() {
      monitor.disconnect();
      monitorConn.disconnect();
      probe.disconnect();
    },
  };
  monitor.on("monitor", (time: string, args: string[], source: string) => {
    if (source === probeAddr) {
      if (rec.probeTimes.length < MAX_EVENTS) rec.probeTimes.push(Number(time) * 1000);
      return;
    }
    if (rec.events.length >= MAX_EVENTS) {
      rec.dropped++;
      return;
    }
    const cmd = (args[0] ?? "?").toLowerCase();
    const lua = source === "lua";
    rec.events.push({
      t: Number(time) * 1000,
      cmd,
      lua,
      ...(cmd === "evalsha" && !lua && args[1] ? { sha: args[1] } : {}),
    });
  });
  return rec;
}

interface KubeEvent {
  t: number;
  verb: string;
}

/** Every request the host counts also bumps `stats.byVerb`: watch that map to timestamp requests. */
function recordKube(host: KubeHost): KubeEvent[] {
  const log: KubeEvent[] = [];
  const target = host.stats.byVerb;
  host.stats.byVerb = new Proxy(target, {
    set(obj, key, value: number) {
      if (typeof key === "string") log.push({ t: Date.now(), verb: key });
      return Reflect.set(obj, key, value);
    },
  });
  return log;
}

interface RssSample {
  t: number;
  rss: number;
  heapUsed: number;
}

function sampleRss(): { samples: RssSample[]; stop(): void } {
  const sample = (): RssSample => {
    const m = process.memoryUsage();
    return { t: Date.now(), rss: m.rss, heapUsed: m.heapUsed };
  };
  const samples: RssSample[] = [sample()];
  const timer = setInterval(() => {
    if (samples.length < 100_000) samples.push(sample());
  }, RSS_EVERY_MS);
  return { samples, stop: () => clearInterval(timer) };
}

function rssBetween(samples: readonly RssSample[], from: number, to: number) {
  const xs = samples.filter((s) => s.t >= from && s.t <= to);
  if (xs.length === 0) return { samples: 0, peakMb: 0, meanMb: 0, peakHeapUsedMb: 0 };
  return {
    samples: xs.length,
    peakMb: mb(Math.max(...xs.map((s) => s.rss))),
    meanMb: mb(xs.reduce((a, s) => a + s.rss, 0) / xs.length),
    peakHeapUsedMb: mb(Math.max(...xs.map((s) => s.heapUsed))),
  };
}

// ---------------------------------------------------------------------------------------------------
// One migration through Slack

export interface StepWindow {
  id: string;
  row: "start" | "step" | "gate" | "report";
  startedAt?: number;
  finishedAt?: number;
  /** Attribution window for counters: (from, to]. Rows tile [command sent, settled] without gaps. */
  from: number;
  to: number;
}

export interface MigrationRun {
  estate: { deployments: number; cronJobs: number; forbidden: number };
  migration: Migration;
  commandAt: number;
  settledAt: number;
  windows: StepWindow[];
  redis: RedisEvent[];
  redisDropped: number;
  commandstatsDelta: Record<string, number>;
  kube: { old: KubeEvent[]; new: KubeEvent[] };
  kubeByVerb: { old: Record<string, number>; new: Record<string, number> };
  probeCommands: number;
  route53: Array<{ at: number; op: string }>;
  route53Counters: { changesAccepted: number; changesEffective: number; requests: Record<string, number> };
  /** Requests the Route 53 host answered `Throttling` during the migration. */
  route53Throttled: number;
  latencyMs: number;
  /** The traffic records' TTL before the migration (what the cutover waits out after lowering it). */
  oldTtlSeconds: number;
  slack: Array<{ at: number; method: string }>;
  jobs: { total: number; byName: Record<string, number>; attempts: number };
  idle?: { from: number; to: number; redis: RedisEvent[] };
  concurrency: number;
  requestsPerSecond: number;
  /** Waits the configuration asks for, by step id (soaks): part of the floor. */
  timersMs: Record<string, number>;
}

/**
 * Rows: `start` (the slash command until the first step starts), one per step (from the previous step's
 * end, so the queue hop is charged to the step it leads to), and `report` (after the last step until the
 * live message and the report settled).
 */
export function stepWindows(m: Migration, commandAt: number, settledAt: number): StepWindow[] {
  const first = m.steps[0]?.status;
  let prev = first && "startedAt" in first ? first.startedAt : commandAt;
  const rows: StepWindow[] = [{ id: "(start command)", row: "start", from: commandAt, to: prev }];
  for (const s of m.steps) {
    const st = s.status;
    const startedAt = "startedAt" in st ? st.startedAt : undefined;
    const finishedAt = "finishedAt" in st ? st.finishedAt : undefined;
    const to = Math.max(prev, finishedAt ?? prev);
    rows.push({
      id: s.id,
      row: isGate(s.kind) ? "gate" : "step",
      from: prev,
      to,
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    });
    prev = to;
  }
  rows.push({ id: "(final report)", row: "report", from: prev, to: settledAt });
  return rows;
}

function configuredTimers(world: SandboxWorld): Record<string, number> {
  const env = world.config.environments[ENV];
  if (!env) return {};
  const s = env.dns.strategy;
  return {
    soak: env.decommissionSoakMinutes * 60_000,
    "shift-traffic": s.type === "weighted" ? (s.steps.length - 1) * s.soakMinutes * 60_000 : 0,
  };
}

async function waitForTerminal(
  store: MigrationStore,
  driver: SlackDriver,
  timeoutMs: number,
): Promise<Migration> {
  const deadline = Date.now() + timeoutMs;
  let id: string | undefined;
  for (;;) {
    id ??= (await store.history(ENV, 1))[0]?.id;
    const m = id ? await store.get(id) : undefined;
    if (m && isTerminal(m.status)) return m;
    if (m && (m.status === "halted" || m.status === "rollback-failed"))
      throw new Error(`migration ${m.status}: ${m.error ?? ""}\n${driver.console()}`);
    if (Date.now() > deadline) throw new Error(`migration did not finish in time:\n${driver.console()}`);
    await sleep(100);
  }
}

export interface RunOptions {
  /** Injected latency per Kubernetes request, both clusters (default LATENCY_MS). */
  latencyMs?: number;
  /** Deadline for the whole migration (default MIGRATION_TIMEOUT_MS). */
  timeoutMs?: number;
}

export async function runMigration(
  size: EstateSize,
  withIdle: boolean,
  opts: RunOptions = {},
): Promise<MigrationRun> {
  const logger = pino({ level: "error" });
  const timeoutMs = opts.timeoutMs ?? MIGRATION_TIMEOUT_MS;
  const world: SandboxWorld = await startSandboxWorld({ strategy: "weighted", estate: size, logger });
  try {
    world.old.faults.set({ latencyMs: opts.latencyMs ?? LATENCY_MS });
    world.new.faults.set({ latencyMs: opts.latencyMs ?? LATENCY_MS });
    const rec = await recordRedis(world.redis.url);
    const store = new MigrationStore(rec.probe, 90);
    const kube = { old: recordKube(world.old), new: recordKube(world.new) };
    const driver = new SlackDriver(world);

    let idle: MigrationRun["idle"];
    if (withIdle) {
      // Start the idle baseline from a collected heap, so it is not the start-up's garbage (the child runs
      // with --expose-gc; without it this is a no-op).
      (globalThis as { gc?: () => void }).gc?.();
      const from = Date.now();
      await sleep(IDLE_MS);
      const to = Date.now();
      idle = { from, to, redis: rec.events.filter((e) => e.t >= from && e.t <= to) };
    }

    const statsBeforeAt = Date.now();
    const statsBefore = await rec.commandstats();
    const slackBefore = world.slack.calls.length;
    const r53Before = world.route53.requestLog.length;
    const r53CountersBefore = structuredClone(world.route53.counters);
    const oldTtlSeconds = Math.max(
      0,
      ...world.route53.recordSets(world.zoneId).map((r) => (r.Type === "CNAME" ? (r.TTL ?? 0) : 0)),
    );
    const commandAt = Date.now();
    const reply = await driver.command(SANDBOX_USERS.alice, `start ${ENV}`);
    if (/no_entry|not allowed|HTTP \d/i.test(reply)) throw new Error(`start refused: ${reply}`);
    const cutover = await driver.waitForButton(/approve cutover/i, timeoutMs);
    await driver.click(SANDBOX_USERS.bob, cutover);
    const decommission = await driver.waitForButton(/approve decommission/i, timeoutMs);
    await driver.click(SANDBOX_USERS.bob, decommission);
    const final = await waitForTerminal(store, driver, timeoutMs);
    if (final.status !== "completed")
      throw new Error(`migration ended ${final.status}:\n${driver.console()}`);
    await world.app.bot?.live.idle(10_000); // the last coalesced update and the report
    await sleep(200);
    const settledAt = Date.now();
    const statsAfterAt = Date.now();
    const statsAfter = await rec.commandstats();
    const probeDuring = rec.probeTimes.filter((t) => t >= statsBeforeAt && t < statsAfterAt).length;
    const redisEvents = rec.events.filter((e) => e.t >= commandAt && e.t <= settledAt);
    const redisDropped = rec.dropped;
    await rec.stop();

    // The probe's own commands (INFO, HMGET, ZREVRANGE) are in commandstats but not in MONITOR's tally.
    const commandstatsDelta: Record<string, number> = {};
    for (const [cmd, n] of Object.entries(statsAfter)) {
      const d = n - (statsBefore[cmd] ?? 0);
      if (d > 0) commandstatsDelta[cmd] = d;
    }

    const counters = world.route53.counters;
    const r53Requests: Record<string, number> = {};
    for (const [op, n] of Object.entries(counters.requests))
      r53Requests[op] = n - (r53CountersBefore.requests[op as keyof typeof counters.requests] ?? 0);

    const jobsConn = new Redis(world.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(STEP_QUEUE, { connection: jobsConn });
    const jobs = await queue.getJobs(["completed", "failed", "delayed", "waiting", "active"]);
    await queue.close();
    jobsConn.disconnect();

    const env = world.config.environments[ENV];
    return {
      estate: {
        deployments: size.namespaces.length * size.deploymentsPerNamespace + 1,
        cronJobs: world.estate.cronJobs,
        forbidden: world.estate.forbidden,
      },
      migration: final,
      commandAt,
      settledAt,
      windows: stepWindows(final, commandAt, settledAt),
      redis: redisEvents,
      redisDropped,
      commandstatsDelta,
      kube,
      kubeByVerb: { old: countBy(kube.old, (e) => e.verb), new: countBy(kube.new, (e) => e.verb) },
      probeCommands: probeDuring,
      route53: world.route53.requestLog.slice(r53Before).map((e) => ({ at: e.at, op: e.op })),
      route53Throttled: counters.throttled - r53CountersBefore.throttled,
      latencyMs: opts.latencyMs ?? LATENCY_MS,
      oldTtlSeconds,
      route53Counters: {
        changesAccepted: counters.changesAccepted - r53CountersBefore.changesAccepted,
        changesEffective: counters.changesEffective - r53CountersBefore.changesEffective,
        requests: r53Requests,
      },
      slack: world.slack.calls.slice(slackBefore).map((c) => ({ at: c.at, method: c.method })),
      jobs: {
        total: jobs.length,
        byName: countBy(jobs, (j) => j.name),
        attempts: jobs.reduce((a, j) => a + Math.max(1, j.attemptsMade), 0),
      },
      ...(idle ? { idle } : {}),
      concurrency: env?.handoff.concurrency ?? 16,
      timersMs: configuredTimers(world),
      requestsPerSecond: env?.handoff.requestsPerSecond ?? 50,
    };
  } finally {
    await world.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Baseline: a bare BullMQ queue and worker (same job and worker options), as many no-op jobs, in sequence

async function bareBullmq(jobs: number) {
  const server = await startRedisServer();
  const conn = (blocking: boolean) => new Redis(server.url, blocking ? { maxRetriesPerRequest: null } : {});
  const queueConn = conn(true);
  const workerConn = conn(true);
  try {
    const rec = await recordRedis(server.url);
    const queue = new Queue("bare-steps", {
      connection: queueConn,
      defaultJobOptions: {
        ...RETRY,
        removeOnComplete: { age: 7 * 86_400 },
        removeOnFail: { age: 30 * 86_400 },
      },
    });
    let done = 0;
    let resolveAll: () => void = () => {};
    const allDone = new Promise<void>((r) => {
      resolveAll = r;
    });
    const add = (i: number) => queue.add(`forward-${i}`, { i }, { jobId: `bare.forward.${i}.1` });
    const worker = new Worker("bare-steps", async () => "ok", {
      connection: workerConn,
      concurrency: DEFAULT_TUNING.concurrency,
      lockDuration: DEFAULT_TUNING.lockDurationMs,
      stalledInterval: DEFAULT_TUNING.stalledIntervalMs,
      maxStalledCount: DEFAULT_TUNING.maxStalledCount,
    });
    worker.on("completed", () => {
      done++;
      if (done >= jobs) resolveAll();
      else void add(done);
    });
    await worker.waitUntilReady();
    await sleep(500);

    // Idle first: the worker blocked on an empty queue.
    const idleFrom = Date.now();
    await sleep(IDLE_MS);
    const idleTo = Date.now();
    const idle = rec.events.filter((e) => e.t >= idleFrom && e.t <= idleTo);

    const from = Date.now();
    await add(0);
    await Promise.race([allDone, sleep(30_000)]);
    const to = Date.now();
    await sleep(100);
    const busy = rec.events.filter((e) => e.t >= from && e.t <= to);
    await worker.close();
    await queue.close();
    await rec.stop();
    if (done < jobs) throw new Error(`bare BullMQ completed ${done} of ${jobs} jobs`);
    return { jobs, wallMs: to - from, busy, idle, idleMs: idleTo - idleFrom };
  } finally {
    queueConn.disconnect();
    workerConn.disconnect();
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Summaries

const HIKKOSHI_SHAS = new Set(
  [COMPARE_AND_SET, CREATE_MIGRATION].map((lua) => createHash("sha1").update(lua).digest("hex")),
);

/**
 * What a client-sent command is for: `bullmq` (its scripts and its blocking pop), `store` (hikkoshi's own
 * reads, writes, publishes and its compare-and-set / create scripts), `scriptLoad` (EVAL: ioredis's
 * fallback the first time a connection runs a script).
 */
function category(e: RedisEvent): "bullmq" | "store" | "scriptLoad" {
  if (e.cmd === "eval") return "scriptLoad";
  if (e.cmd === "bzpopmin" || (e.cmd === "evalsha" && !(e.sha && HIKKOSHI_SHAS.has(e.sha)))) return "bullmq";
  return "store";
}

function redisSplit(xs: readonly RedisEvent[]) {
  const out = { client: 0, bullmq: 0, store: 0, scriptLoad: 0, lua: 0 };
  for (const e of xs) {
    if (e.lua) {
      out.lua++;
      continue;
    }
    out.client++;
    out[category(e)]++;
  }
  return out;
}

const inWindow = <T>(xs: readonly T[], at: (x: T) => number, from: number, to: number) =>
  xs.filter((x) => at(x) > from && at(x) <= to);

/**
 * What the lowered TTL makes the cutover wait: the old TTL after lower-ttl finished (a little after its
 * change was INSYNC), less what had passed by the time shift-traffic started.
 */
function ttlWaitMs(run: MigrationRun): number {
  const at = (id: string, key: "startedAt" | "finishedAt") => {
    const st = run.migration.steps.find((s) => s.id === id)?.status as Record<string, unknown> | undefined;
    return typeof st?.[key] === "number" ? (st[key] as number) : undefined;
  };
  const lowered = at("lower-ttl", "finishedAt");
  const shifted = at("shift-traffic", "startedAt");
  if (lowered === undefined || shifted === undefined) return 0;
  return Math.max(0, lowered + run.oldTtlSeconds * 1000 - shifted);
}

export function rows(run: MigrationRun) {
  const burst = run.concurrency; // the client's token bucket holds `concurrency` tokens
  const ttlWait = ttlWaitMs(run);
  return run.windows.map((w) => {
    const wallMs =
      w.row === "step" || w.row === "gate"
        ? w.startedAt !== undefined && w.finishedAt !== undefined
          ? w.finishedAt - w.startedAt
          : 0
        : w.to - w.from;
    const kube = {
      old: inWindow(run.kube.old, (e) => e.t, w.from, w.to).length,
      new: inWindow(run.kube.new, (e) => e.t, w.from, w.to).length,
    };
    const route53 = inWindow(run.route53, (e) => e.at, w.from, w.to).length;
    const kubeFloor = (n: number) => (Math.max(0, n - burst) / run.requestsPerSecond) * 1000;
    const timerMs =
      w.row === "step" ? (run.timersMs[w.id] ?? 0) + (w.id === "shift-traffic" ? ttlWait : 0) : 0;
    const floorMs = Math.max(kubeFloor(kube.old), kubeFloor(kube.new), route53FloorMs(route53)) + timerMs;
    return {
      id: w.id,
      row: w.row,
      wallMs,
      queuedMs: w.startedAt !== undefined ? Math.max(0, w.startedAt - w.from) : 0,
      kube,
      route53,
      idealMs: round(((kube.old + kube.new) * run.latencyMs) / run.concurrency),
      floorMs: round(floorMs),
      slack: inWindow(run.slack, (e) => e.at, w.from, w.to).length,
      redis: redisSplit(inWindow(run.redis, (e) => e.t, w.from, w.to)),
    };
  });
}

export function summarize(run: MigrationRun) {
  const table = rows(run);
  const steps = table.filter((r) => r.row === "step");
  const gates = table.filter((r) => r.row === "gate");
  const m = run.migration;
  const wallMs = (m.finishedAt ?? run.settledAt) - m.createdAt;
  const gateWaitMs = gates.reduce((a, r) => a + r.wallMs, 0);
  const stepSumMs = steps.reduce((a, r) => a + r.wallMs, 0);
  return {
    table,
    time: {
      commandToFirstStepMs: table[0]?.wallMs ?? 0,
      wallMs,
      gateWaitMs,
      wallExcludingGatesMs: wallMs - gateWaitMs,
      stepSumMs,
      /** Queue hops and transitions between steps. */
      betweenStepsMs: wallMs - gateWaitMs - stepSumMs,
      idealMs: round(steps.reduce((a, r) => a + r.idealMs, 0)),
      floorMs: round(steps.reduce((a, r) => a + Math.max(r.idealMs, r.floorMs), 0)),
    },
    kube: { old: run.kube.old.length, new: run.kube.new.length },
    route53: run.route53.length,
    slackCalls: run.slack.length,
    versions: m.version,
    redis: redisSplit(run.redis),
  };
}

async function measure(): Promise<Record<string, unknown>> {
  const rss = sampleRss();
  const atStart = process.memoryUsage();

  process.stderr.write(`  migration: big estate (${IDLE_MS / 1000} s idle first)...\n`);
  const big = await runMigration(BIG, true);
  process.stderr.write("  migration: tiny estate...\n");
  const tiny = await runMigration(TINY, false);
  rss.stop();
  process.stderr.write(`  migration: bare BullMQ, ${big.jobs.total} no-op jobs...\n`);
  const bare = await bareBullmq(big.jobs.total);

  const b = summarize(big);
  const t = summarize(tiny);
  const idle = big.idle ?? { from: 0, to: 0, redis: [] };
  const idleRss = rssBetween(rss.samples, idle.from, idle.to);
  const migRss = rssBetween(rss.samples, big.commandAt, big.settledAt);
  const idleRate = redisSplit(idle.redis).client / ((idle.to - idle.from) / 1000);
  const bareIdleRate = redisSplit(bare.idle).client / (bare.idleMs / 1000);
  const bareSplit = redisSplit(bare.busy);
  const jobs = big.jobs.total;
  const perJob = (n: number, j: number) => round(n / j, 1);
  const tinyRows = new Map(t.table.map((r) => [r.id, r]));
  const cmdstats = Object.values(big.commandstatsDelta).reduce((a, n) => a + n, 0);

  return {
    estate: { big: big.estate, tiny: tiny.estate },
    kubeLatencyMs: LATENCY_MS,
    kubeConcurrency: big.concurrency,
    kubeRequestsPerSecond: big.requestsPerSecond,
    route53Pacing: { burst: ROUTE53_BURST, refillPerSecond: ROUTE53_REFILL },
    time: {
      big: b.time,
      tiny: t.time,
      scalingBigOverTiny: ratio(b.time.wallExcludingGatesMs, t.time.wallExcludingGatesMs),
      stepsRatioToIdeal: ratio(b.time.stepSumMs, b.time.idealMs),
      stepsRatioToFloor: ratio(b.time.stepSumMs, b.time.floorMs),
    },
    steps: b.table.map((r) => {
      const small = tinyRows.get(r.id);
      const step = r.row === "step";
      return {
        id: r.id,
        ...(r.row !== "step" ? { row: r.row } : {}),
        wallMs: r.wallMs,
        tinyWallMs: small?.wallMs ?? null,
        scaling: ratio(r.wallMs, small?.wallMs ?? 0),
        ...(step ? { queuedMs: r.queuedMs } : {}),
        kube: r.kube,
        tinyKube: small?.kube ?? null,
        route53: r.route53,
        idealMs: r.idealMs,
        floorMs: r.floorMs,
        ratioToIdeal: step ? ratio(r.wallMs, r.idealMs) : null,
        ratioToFloor: step ? ratio(r.wallMs, Math.max(r.idealMs, r.floorMs)) : null,
        slackCalls: r.slack,
        redis: r.redis,
        tinyRedisClient: small?.redis.client ?? null,
        /** The idle world's command rate over this row's window: the background share. */
        redisIdleEquivalent: round(idleRate * ((r.wallMs + (step ? r.queuedMs : 0)) / 1000), 1),
      };
    }),
    redis: {
      jobs: { hikkoshi: jobs, byName: big.jobs.byName, attempts: big.jobs.attempts },
      hikkoshi: {
        ...b.redis,
        clientPerJob: perJob(b.redis.client, jobs),
        bullmqPerJob: perJob(b.redis.bullmq, jobs),
        storePerJob: perJob(b.redis.store, jobs),
        allPerJob: perJob(b.redis.client + b.redis.lua, jobs),
        idleClientPerSecond: round(idleRate, 2),
        byCommand: countBy(
          big.redis.filter((e) => !e.lua),
          (e) => (e.cmd === "evalsha" ? `evalsha:${category(e)}` : e.cmd),
        ),
        luaByCommand: Object.fromEntries(
          Object.entries(
            countBy(
              big.redis.filter((e) => e.lua),
              (e) => e.cmd,
            ),
          ).slice(0, 10),
        ),
        /** Cross-check: INFO commandstats delta minus the bench's probe vs MONITOR's count. */
        commandstatsDelta: cmdstats - big.probeCommands,
        monitorCount: big.redis.length,
        monitorDropped: big.redisDropped,
      },
      tiny: t.redis,
      bareBullmq: {
        jobs: bare.jobs,
        wallMs: bare.wallMs,
        ...bareSplit,
        clientPerJob: perJob(bareSplit.client, bare.jobs),
        allPerJob: perJob(bareSplit.client + bareSplit.lua, bare.jobs),
        idleClientPerSecond: round(bareIdleRate, 2),
        byCommand: countBy(
          bare.busy.filter((e) => !e.lua),
          (e) => e.cmd,
        ),
      },
      ratioClientPerJob: ratio(b.redis.client, bareSplit.client * (jobs / bare.jobs)),
      ratioBullmqPerJob: ratio(b.redis.bullmq + b.redis.scriptLoad, bareSplit.client * (jobs / bare.jobs)),
      ratioAllPerJob: ratio(
        b.redis.client + b.redis.lua,
        (bareSplit.client + bareSplit.lua) * (jobs / bare.jobs),
      ),
      ratioIdle: ratio(idleRate, bareIdleRate),
      scalingBigOverTiny: ratio(b.redis.client, t.redis.client),
    },
    kubernetes: {
      big: { ...b.kube, byVerb: big.kubeByVerb },
      tiny: t.kube,
      scalingBigOverTiny: ratio(b.kube.old + b.kube.new, t.kube.old + t.kube.new),
      estateScalingBigOverTiny: ratio(
        big.estate.deployments + big.estate.cronJobs,
        tiny.estate.deployments + tiny.estate.cronJobs,
      ),
    },
    route53: {
      big: {
        requests: b.route53,
        byOp: big.route53Counters.requests,
        changesAccepted: big.route53Counters.changesAccepted,
        changesEffective: big.route53Counters.changesEffective,
      },
      tiny: { requests: t.route53, changesEffective: tiny.route53Counters.changesEffective },
      requestsPerEffectiveChange: ratio(b.route53, big.route53Counters.changesEffective),
      scalingBigOverTiny: ratio(b.route53, t.route53),
    },
    slack: {
      big: { calls: b.slackCalls, byMethod: countBy(big.slack, (c) => c.method), transitions: b.versions },
      tiny: { calls: t.slackCalls, byMethod: countBy(tiny.slack, (c) => c.method), transitions: t.versions },
      callsPerTransition: ratio(b.slackCalls, b.versions),
      tinyCallsPerTransition: ratio(t.slackCalls, t.versions),
    },
    rss: {
      atStartMb: mb(atStart.rss),
      heapUsedAtStartMb: mb(atStart.heapUsed),
      idleWorld: idleRss,
      migration: migRss,
      ratioPeakToIdlePeak: ratio(migRss.peakMb, idleRss.peakMb),
      ratioMeanToIdleMean: ratio(migRss.meanMb, idleRss.meanMb),
      ratioPeakHeapToIdlePeakHeap: ratio(migRss.peakHeapUsedMb, idleRss.peakHeapUsedMb),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Entry points

const ENTRY: BenchEntry = {
  url: import.meta.url,
  name: "migration",
  measure,
  killAfterMs: 300_000,
  nodeFlags: ["--expose-gc"],
};

/** Runs the measurement in a fresh Node process (so the RSS figures are this bench's alone). */
export function runMigrationBench(): Promise<Record<string, unknown>> {
  return measureInChild(ENTRY);
}

benchMain(ENTRY);
