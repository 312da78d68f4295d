// Ack latency of the Slack surface under 50 concurrent signed requests, against a bare Bolt app (ack-only
// listeners) measured in the same run, so the ratio says what hikkoshi's listeners cost. Everything runs
// on 127.0.0.1: a real redis-server, the real engine, the Slack test host, signed HTTP requests.

import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { type SignedRequest, SlackTestClient } from "@hikkoshi/test-hosts/slack/slackClient";
import { App, HTTPReceiver } from "@slack/bolt";
import { ACTION_APPROVE, encodeButtonValue } from "../src/bot/actions/value.js";
import { createSlackBot, EVENTS_PATH } from "../src/bot/app.js";
import { MAX_BODY_BYTES } from "../src/bot/http/limits.js";
import { BOB, BOT_TOKEN, botTestConfig, CHANNEL, OLLY, PAT, SIGNING_SECRET } from "../test/bot/harness.js";
import { startTestEngine, waitForGate } from "../test/support/engineHarness.js";
import { startRedisServer } from "../test/support/redisServer.js";
import { createTestPorts } from "../test/support/testPorts.js";

const CONCURRENCY = 50;
const ROUNDS = 8;
const WARMUP_ROUNDS = 2;

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
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: ms.length,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(ms[ms.length - 1] ?? 0),
    non200: samples.filter((s) => s.status !== 200).length,
  };
}

// The load generator runs in a worker thread, so its own event loop does not skew the times it measures.
// Requests are signed in the main thread; the worker only sends them, CONCURRENCY at a time, and times them.
const LOADER = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { url, rounds, warmup, concurrency } = workerData;
  const out = [];
  for (let r = 0; r < rounds.length; r++) {
    const batch = rounds[r];
    const results = await Promise.all(batch.map(async (req) => {
      const t0 = performance.now();
      const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    }));
    if (r >= warmup) out.push(...results);
  }
  parentPort.postMessage(out);
})().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

/** Numbers every request of the run apart (message ts, user), so none is taken for a retry of another. */
let requestNumber = 0;

/** WARMUP_ROUNDS + ROUNDS bursts of CONCURRENCY requests at once; bounded. */
async function measure(url: string, make: (i: number) => SignedRequest): Promise<Sample[]> {
  const rounds: SignedRequest[][] = [];
  for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
    rounds.push(Array.from({ length: CONCURRENCY }, () => make(requestNumber++)));
  }
  const worker = new Worker(LOADER, {
    eval: true,
    workerData: { url, rounds, warmup: WARMUP_ROUNDS, concurrency: CONCURRENCY },
  });
  const result = await new Promise<Sample[] | { error: string }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  if (!Array.isArray(result)) throw new Error(result.error);
  return result;
}

export async function runSlackBench(): Promise<Record<string, unknown>> {
  const redis = await startRedisServer({ aof: false });
  const host = await startSlackTestHost({ tokens: [BOT_TOKEN], usergroups: { S0PLATFORM: [BOB, PAT] } });
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
      host,
    });
    const theirs = new SlackTestClient({
      requestUrl: `http://127.0.0.1:${barePort}/slack/events`,
      signingSecret: SIGNING_SECRET,
      host,
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
    const status = (c: SlackTestClient) => (i: number) =>
      c.sign(c.slashCommandBody({ userId: i % 2 ? OLLY : PAT, text: "status production" }), form);
    const click = (c: SlackTestClient) => (i: number) =>
      c.sign(
        c.blockActionsBody({
          userId: PAT,
          actionId: ACTION_APPROVE,
          value: oldValue,
          channelId: CHANNEL,
          messageTs: `1.${i}`,
        }),
        form,
      );

    // A-B-B-A, so that a machine busier at one moment than another weighs on both sides alike.
    // Each run starts once the previous one's work after the ack (ephemerals, live updates) has settled.
    const settled = async <T>(run: () => Promise<T>): Promise<T> => {
      await bot.live.idle(5000);
      await new Promise((r) => setTimeout(r, 300));
      return run();
    };
    const abba = async (a: () => Promise<Sample[]>, b: () => Promise<Sample[]>) => {
      const a1 = await settled(a);
      const b1 = await settled(b);
      const b2 = await settled(b);
      const a2 = await settled(a);
      return { a: stats([...a1, ...a2]), b: stats([...b1, ...b2]) };
    };
    const st = await abba(
      () => measure(ours.requestUrl, status(ours)),
      () => measure(theirs.requestUrl, status(theirs)),
    );
    const cl = await abba(
      () => measure(ours.requestUrl, click(ours)),
      () => measure(theirs.requestUrl, click(theirs)),
    );
    const [statusOurs, statusBare, clickOurs, clickBare] = [st.a, st.b, cl.a, cl.b];
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
    await bot.live.idle(5000);
    return {
      /** Goal ≤ 1.3 each: p99 of hikkoshi's ack over a bare Bolt app's, same receiver settings, same run. */
      ack: {
        statusP99Ratio: ratio(statusOurs.p99Ms, statusBare.p99Ms),
        clickP99Ratio: ratio(clickOurs.p99Ms, clickBare.p99Ms),
      },
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      status: {
        hikkoshi: statusOurs,
        bareBolt: statusBare,
        ratioP50: ratio(statusOurs.p50Ms, statusBare.p50Ms),
        ratioP99: ratio(statusOurs.p99Ms, statusBare.p99Ms),
      },
      click: {
        hikkoshi: clickOurs,
        bareBolt: clickBare,
        ratioP50: ratio(clickOurs.p50Ms, clickBare.p50Ms),
        ratioP99: ratio(clickOurs.p99Ms, clickBare.p99Ms),
      },
      ephemeralsRecorded: host.ephemerals.length,
      webApiCalls: host.calls.length,
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
