// Ack latency of the Slack surface under bursts of 50 concurrent signed requests, against a bare Bolt app
// (ack-only listeners, the same receiver settings) measured in the same run, blocks of the two
// interleaved, so the ratio says what hikkoshi's listeners cost and machine noise weighs on both. Everything
// runs on 127.0.0.1: a real redis-server, the real engine, the Slack test host (in a thread of its own,
// as Slack is not on the bot's event loop), signed HTTP requests.

import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { SlackHostOptions } from "@hikkoshi/test-hosts/slack/host";
import { type SignedRequest, SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import { App, HTTPReceiver } from "@slack/bolt";
import { ACTION_APPROVE, encodeButtonValue } from "../src/bot/actions/value.js";
import { createSlackBot, EVENTS_PATH } from "../src/bot/app.js";
import { MAX_BODY_BYTES } from "../src/bot/http/limits.js";
import { BOB, BOT_TOKEN, botTestConfig, CHANNEL, OLLY, PAT, SIGNING_SECRET } from "../test/bot/harness.js";
import { startTestEngine, waitForGate } from "../test/support/engineHarness.js";
import { startRedisServer } from "../test/support/redisServer.js";
import { createTestPorts } from "../test/support/testPorts.js";
import { median, quantile, round } from "./common.js";
import type { HostAnswer, HostAsk, HostQuestion } from "./slackHost.worker.js";

const CONCURRENCY = 50;
/** Bursts sent back to back in one block: the later ones meet the work behind the earlier ones' acks. */
const BURSTS = 3;
/** Block pairs (hikkoshi, bare Bolt) per kind, in A-B-B-A order, so machine noise weighs on both. */
const PAIRS = 32;
const WARMUP_PAIRS = 2;

interface Stats {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non200: number;
}

interface Sample {
  status: number;
  ms: number;
}

function stats(samples: Sample[]): Stats {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: ms.length,
    p50Ms: round(quantile(ms, 0.5)),
    p99Ms: round(quantile(ms, 0.99)),
    maxMs: round(ms[ms.length - 1] ?? 0),
    non200: samples.filter((s) => s.status !== 200).length,
  };
}

/** The median and spread of per-pair ratios: one slow moment of the machine moves one pair, not the result. */
function spread(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  return {
    median: round(median(v)),
    q1: round(quantile(v, 0.25)),
    q3: round(quantile(v, 0.75)),
    min: round(v[0] ?? 0),
    max: round(v[v.length - 1] ?? 0),
    perPair: values.map((v) => round(v)),
  };
}

// The load generator runs in a worker thread, so its own event loop does not skew the times it measures.
// Requests are signed in the main thread; the worker sends each burst's requests at once, times each
// from send to the last byte of the answer, and starts the next burst when the previous one is answered.
// One worker for the whole run: both apps keep warm keep-alive connections alike.
const LOADER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ url, bursts }) => {
  try {
    const out = [];
    for (const burst of bursts) {
      out.push(...await Promise.all(burst.map(async (req) => {
        const t0 = performance.now();
        const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body });
        await res.arrayBuffer();
        return { status: res.status, ms: performance.now() - t0 };
      })));
    }
    parentPort.postMessage(out);
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
});
`;

/** Numbers every request of the run apart (message ts, user), so none is taken for a retry of another. */
let requestNumber = 0;

interface Loader {
  /** The bursts to `url`, back to back; the samples of all of them. */
  block(url: string, bursts: SignedRequest[][]): Promise<Sample[]>;
  close(): Promise<void>;
}

function startLoader(): Loader {
  const worker = new Worker(LOADER, { eval: true });
  return {
    async block(url, bursts) {
      const result = await new Promise<Sample[] | { error: string }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage({ url, bursts });
      });
      worker.removeAllListeners("error");
      if (!Array.isArray(result)) throw new Error(result.error);
      return result;
    },
    async close() {
      await worker.terminate();
    },
  };
}

type Make = (c: SlackTestClient) => (i: number, responseUrl: string) => SignedRequest;

interface HostThread {
  apiUrl: string;
  responseUrls(n: number, channel: string, user: string): Promise<string[]>;
  counts(): Promise<{ ephemerals: number; webApiCalls: number }>;
  close(): Promise<void>;
}

/** The Slack test host in its own thread (see slackHost.worker.ts). */
async function startHostThread(opts: SlackHostOptions): Promise<HostThread> {
  const worker = new Worker(new URL("./slackHost.worker.ts", import.meta.url), { workerData: opts });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    worker.once("message", (m: { ready: string }) => resolve(m.ready));
    worker.once("error", reject);
  });
  let next = 0;
  const waiting = new Map<number, (a: HostAnswer) => void>();
  worker.on("message", (a: HostAnswer) => waiting.get(a.id)?.(a));
  const ask = <K extends HostAnswer["kind"]>(q: HostQuestion): Promise<Extract<HostAnswer, { kind: K }>> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, (a) => {
        waiting.delete(id);
        resolve(a as Extract<HostAnswer, { kind: K }>);
      });
      const message: HostAsk = { ...q, id };
      worker.postMessage(message);
    });
  return {
    apiUrl,
    responseUrls: async (n, channel, user) =>
      (await ask<"responseUrls">({ kind: "responseUrls", n, channel, user })).urls,
    counts: () => ask<"counts">({ kind: "counts" }),
    async close() {
      await ask<"closed">({ kind: "close" });
      await worker.terminate();
    },
  };
}

export async function runSlackBench(): Promise<Record<string, unknown>> {
  const redis = await startRedisServer({ aof: false });
  const host = await startHostThread({ tokens: [BOT_TOKEN], usergroups: { S0PLATFORM: [BOB, PAT] } });
  const config = botTestConfig();
  const ports = createTestPorts({ redisUrl: redis.url });
  await ports.world.init("production-20251101");
  const engine = await startTestEngine(redis.url, config, ports);
  const bot = createSlackBot({
    config,
    commands: engine.commands,
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: host.apiUrl,
    port: 0,
    host: "127.0.0.1",
    liveStore: engine.store.liveStore(),
  });
  // The receiver settings hikkoshi's bot uses (src/bot/app.ts), with ack-only listeners.
  const bareReceiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: EVENTS_PATH,
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 2900,
    bodyLimit: MAX_BODY_BYTES,
  });
  const bare = new App({
    token: BOT_TOKEN,
    receiver: bareReceiver,
    clientOptions: { slackApiUrl: host.apiUrl },
    deferInitialization: true,
    ignoreSelf: false,
  });
  bare.command("/migrate", async ({ ack }) => {
    await ack();
  });
  bare.action(ACTION_APPROVE, async ({ ack }) => {
    await ack();
  });
  try {
    const { port } = await bot.start();
    await bare.init();
    const bareServer = await bareReceiver.start({ port: 0, host: "127.0.0.1" });
    const barePort = (bareServer.address() as { port: number }).port;
    const ours = new SlackTestClient({
      requestUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });
    const theirs = new SlackTestClient({
      requestUrl: `http://127.0.0.1:${barePort}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });

    // A migration past its cutover gate: clicks on the old Approve button are real work (load, permission
    // check with a cached group lookup, engine refusal, ephemeral answer) and change nothing.
    const started = await engine.commands.start("production", { userId: BOB });
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    const atGate = await waitForGate(engine, id, "gate-cutover");
    const oldValue = encodeButtonValue({ migrationId: id, stepId: "gate-cutover", version: atGate.version });
    const approved = await engine.commands.approve({ migrationId: id }, { userId: PAT });
    if (!approved.ok) throw new Error(approved.rejection.message);
    await waitForGate(engine, id, "gate-decommission");

    const form = "application/x-www-form-urlencoded";
    const status: Make = (c) => (i, responseUrl) =>
      c.sign(
        c.slashCommandBody({ userId: i % 2 ? OLLY : PAT, text: "status production", responseUrl }),
        form,
      );
    const click: Make = (c) => (i, responseUrl) =>
      c.sign(
        c.blockActionsBody({
          userId: PAT,
          actionId: ACTION_APPROVE,
          value: oldValue,
          channelId: CHANNEL,
          messageTs: `1.${i}`,
          responseUrl,
        }),
        form,
      );

    // Each block starts once the work behind the previous block's acks (ephemerals, live updates) is
    // done, so hikkoshi's leftovers never land in a bare block; within a block they meet hikkoshi's own
    // later bursts, as they would in production.
    const loader = startLoader();
    let clicksSent = 0;
    const settle = async () => {
      const deadline = Date.now() + 10_000;
      while ((await host.counts()).ephemerals < clicksSent && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await bot.live.idle(5000);
      await new Promise((r) => setTimeout(r, 30));
    };
    const compare = async (make: Make, clicks: boolean) => {
      // Main-thread CPU time per request, from a block's first request until the work behind its acks is
      // done: what each request costs the event loop, whatever else the machine was doing meanwhile.
      const cpuUs = { ours: 0, bare: 0 };
      const run = async (side: "ours" | "bare", counted: boolean) => {
        await settle();
        const client = side === "ours" ? ours : theirs;
        if (side === "ours" && clicks) clicksSent += BURSTS * CONCURRENCY;
        const sign = make(client);
        const urls = await host.responseUrls(BURSTS * CONCURRENCY, CHANNEL, PAT);
        const bursts = Array.from({ length: BURSTS }, (_, b) =>
          Array.from({ length: CONCURRENCY }, (_, i) => sign(requestNumber++, urls[b * CONCURRENCY + i]!)),
        );
        const before = process.threadCpuUsage();
        const samples = await loader.block(client.requestUrl, bursts);
        await settle();
        const used = process.threadCpuUsage(before);
        if (counted) cpuUs[side] += used.user + used.system;
        return samples;
      };
      const pooled = { ours: [] as Sample[], bare: [] as Sample[] };
      // Samples by a burst's place in its block: the first meets no earlier work, the later ones do.
      const byBurst = { ours: [] as Sample[][], bare: [] as Sample[][] };
      const keep = (side: "ours" | "bare", samples: Sample[]) => {
        for (let b = 0; b < BURSTS; b++) {
          byBurst[side][b] ??= [];
          byBurst[side][b]!.push(...samples.slice(b * CONCURRENCY, (b + 1) * CONCURRENCY));
        }
      };
      const ratios: number[] = [];
      for (let pair = 0; pair < WARMUP_PAIRS + PAIRS; pair++) {
        // A-B, then B-A: neither side always goes first after a settle.
        const order: Array<"ours" | "bare"> = pair % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"];
        const got = { ours: [] as Sample[], bare: [] as Sample[] };
        for (const side of order) got[side] = await run(side, pair >= WARMUP_PAIRS);
        if (pair < WARMUP_PAIRS) continue;
        pooled.ours.push(...got.ours);
        keep("ours", got.ours);
        keep("bare", got.bare);
        pooled.bare.push(...got.bare);
        ratios.push(stats(got.ours).p99Ms / Math.max(0.01, stats(got.bare).p99Ms));
      }
      const o = stats(pooled.ours);
      const t = stats(pooled.bare);
      const perRequest = (us: number) => Math.round(us / (PAIRS * BURSTS * CONCURRENCY));
      return {
        p99Ratio: spread(ratios),
        mainThreadCpuUsPerRequest: { hikkoshi: perRequest(cpuUs.ours), bareBolt: perRequest(cpuUs.bare) },
        p99MsByBurst: {
          hikkoshi: byBurst.ours.map((b) => stats(b).p99Ms),
          bareBolt: byBurst.bare.map((b) => stats(b).p99Ms),
        },
        pooled: {
          hikkoshi: o,
          bareBolt: t,
          ratioP50: round(o.p50Ms / t.p50Ms),
          ratioP99: round(o.p99Ms / t.p99Ms),
        },
      };
    };
    // What is measured is the real answer: the status ack shows the migration.
    const [url] = await host.responseUrls(1, CHANNEL, PAT);
    const shown = await ours.send(status(ours)(requestNumber++, url!));
    if (shown.status !== 200 || !shown.body.includes(id)) throw new Error(`status ack: ${shown.body}`);
    const st = await compare(status, false);
    const cl = await compare(click, true);
    const bad = [st, cl].flatMap((r) => [r.pooled.hikkoshi.non200, r.pooled.bareBolt.non200]);
    if (bad.some((n) => n > 0)) throw new Error(`answers other than 200: ${bad.join(", ")}`);
    await settle();
    await loader.close();
    return {
      /**
       * Goal ≤ 1.3 each: the median over block pairs of p99(hikkoshi block) / p99(bare Bolt block), same
       * receiver settings (body limit, signature check, timeouts), blocks interleaved in the same run.
       */
      ack: { statusP99Ratio: st.p99Ratio.median, clickP99Ratio: cl.p99Ratio.median },
      method: `${PAIRS} block pairs per kind (A-B-B-A, after ${WARMUP_PAIRS} warm-up pairs); a block is ${BURSTS} back-to-back bursts of ${CONCURRENCY} concurrent signed requests; per-pair ratio of block p99s, median reported`,
      status: st,
      click: cl,
      ...(await host
        .counts()
        .then((c) => ({ ephemeralsRecorded: c.ephemerals, webApiCalls: c.webApiCalls }))),
    };
  } finally {
    await bot.stop();
    await bareReceiver.stop().catch(() => {});
    await engine.close();
    ports.close();
    await host.close();
    await redis.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSlackBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
