// Resident memory of hikkoshi as production runs it: `npm run build`, then `node dist/src/main.js` with
// the bot and the workers in one process (HIKKOSHI_ROLE=all), connected to a real redis-server with one
// environment configured, measured from outside (/proc/<pid>/status VmRSS): idle, and during one whole
// migration of the demo estate driven through Slack. Then the Redis memory (MEMORY USAGE, every key) that
// the finished migration left behind. Baselines in the same run: a bare `node` process, and the same
// process with each heavy dependency imported alone (what loading it costs, whether or not it is used).

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { DEMO_ESTATE } from "@hikkoshi/sandbox/demoEstate";
import { SANDBOX_CHANNEL, SANDBOX_USERS } from "@hikkoshi/sandbox/sandboxConfig";
import { Redis } from "ioredis";
import { isTerminal } from "../src/migration/types.js";
import { MigrationStore } from "../src/store/migrationStore.js";
import { round as roundTo, sleep } from "./common.js";
import {
  clickWhenShown,
  type HikkoshiProcess,
  type ProcessWorld,
  spawnHikkoshi,
  startProcessWorld,
} from "./processWorld.js";

const MAIN = "dist/src/main.js";
const SETTLE_MS = 5_000;
const IDLE_MS = 15_000;
const SAMPLE_EVERY_MS = 100;
const MIGRATION_TIMEOUT_MS = 180_000;
const MAX_KEYS = 100_000;
const ENV = "production";

/** The figures here are MB, to one decimal. */
const round = (v: number) => roundTo(v, 1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** RSS every SAMPLE_EVERY_MS until `until` settles (bounded by the caller's deadline). */
async function sampleWhile<T>(
  p: HikkoshiProcess,
  until: Promise<T>,
): Promise<{ samples: number[]; value: T }> {
  const samples: number[] = [];
  let done = false;
  const value = until.finally(() => {
    done = true;
  });
  while (!done && samples.length < 100_000) {
    samples.push(p.rssMb());
    await Promise.race([value.catch(() => {}), sleep(SAMPLE_EVERY_MS)]);
  }
  return { samples, value: await value };
}

/** MEMORY USAGE of every key, by key family (the part before the first id-like segment). */
async function redisMemory(
  url: string,
): Promise<{ bytes: number; keys: number; byFamily: Record<string, number> }> {
  const r = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    let cursor = "0";
    const keys: string[] = [];
    do {
      const [next, batch] = (await r.scan(cursor, "COUNT", 1000)) as [string, string[]];
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0" && keys.length < MAX_KEYS);
    const byFamily: Record<string, number> = {};
    let bytes = 0;
    for (const key of keys) {
      const n = Number((await r.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
      bytes += n;
      const family = key
        .split(":")
        .map((part) => (/\d/.test(part) && part.length > 6 ? "<id>" : part))
        .slice(0, 3)
        .join(":");
      byFamily[family] = (byFamily[family] ?? 0) + n;
    }
    return { bytes, keys: keys.length, byFamily };
  } finally {
    r.disconnect();
  }
}

async function runOneMigration(p: HikkoshiProcess, world: ProcessWorld): Promise<string> {
  const res = await p.client.slashCommand({
    userId: SANDBOX_USERS.alice,
    text: `start ${ENV}`,
    channelId: SANDBOX_CHANNEL,
  });
  if (res.status !== 200) throw new Error(`/migrate start answered HTTP ${res.status}`);
  await clickWhenShown(p, world, /approve cutover/i, SANDBOX_USERS.bob, MIGRATION_TIMEOUT_MS);
  await clickWhenShown(p, world, /approve decommission/i, SANDBOX_USERS.bob, MIGRATION_TIMEOUT_MS);
  const probe = new Redis(world.redis.url, { maxRetriesPerRequest: 3 });
  try {
    const store = new MigrationStore(probe, 90);
    const deadline = Date.now() + MIGRATION_TIMEOUT_MS;
    for (;;) {
      const id = (await store.history(ENV, 1))[0]?.id;
      const m = id ? await store.get(id) : undefined;
      if (m && isTerminal(m.status)) return m.status;
      if (m && (m.status === "halted" || m.status === "rollback-failed")) return m.status;
      if (Date.now() > deadline) throw new Error(`migration not finished after ${MIGRATION_TIMEOUT_MS} ms`);
      await sleep(200);
    }
  } finally {
    probe.disconnect();
  }
}

/** RSS (MB) of a fresh `node` that imported `spec` (nothing when undefined), after a full GC. */
function importRssMb(spec: string | undefined): Promise<number> {
  const code = `${spec ? `await import(${JSON.stringify(spec)});` : ""} globalThis.gc(); await new Promise((r) => setTimeout(r, 300)); process.stdout.write(String(process.memoryUsage().rss));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("exit", (c) => {
      clearTimeout(timer);
      if (c !== 0) reject(new Error(`importing ${spec} failed: ${err.slice(0, 500)}`));
      else resolve(round(Number(out) / 1024 / 1024));
    });
  });
}

const MODULES: Record<string, string> = {
  bolt: "@slack/bolt",
  kubernetesClient: "@kubernetes/client-node",
  awsRoute53: "@aws-sdk/client-route-53",
  bullmq: "bullmq",
  ioredis: "ioredis",
  pino: "pino",
  zod: "zod",
  promClient: "prom-client",
  kubernetesModels: "kubernetes-models",
};

async function moduleCosts(): Promise<{ bareNodeMb: number; importMb: Record<string, number> }> {
  const bare = await importRssMb(undefined);
  const importMb: Record<string, number> = {};
  for (const [name, spec] of Object.entries(MODULES))
    importMb[name] = round((await importRssMb(spec)) - bare);
  importMb.distMainModules = round(
    (await importRssMb(`./${MAIN.replace("main.js", "app/startHikkoshi.js")}`)) - bare,
  );
  return { bareNodeMb: bare, importMb };
}

export async function runMemoryBench(): Promise<Record<string, Record<string, unknown>>> {
  process.stderr.write("  memory: npm run build...\n");
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
    encoding: "utf8",
    timeout: 300_000,
  });
  if (!existsSync(MAIN)) throw new Error(`build produced no ${MAIN}: ${build.stdout}${build.stderr}`);
  const buildErrors = build.status === 0 ? 0 : (build.stdout.match(/error TS/g) ?? []).length;

  const world = await startProcessWorld(DEMO_ESTATE);
  let p: HikkoshiProcess | undefined;
  try {
    p = await spawnHikkoshi(world, MAIN);
    const atStartMb = p.rssMb();
    await sleep(SETTLE_MS);
    process.stderr.write(`  memory: idle ${IDLE_MS / 1000} s...\n`);
    const idle = await sampleWhile(p, sleep(IDLE_MS));
    const redisIdle = await redisMemory(world.redis.url);
    process.stderr.write("  memory: one migration of the demo estate...\n");
    const migration = await sampleWhile(p, runOneMigration(p, world));
    await sleep(1000); // the last live-message update and the report
    const redisAfter = await redisMemory(world.redis.url);
    const after = await sampleWhile(p, sleep(3000));
    await p.stop();
    p = undefined;
    process.stderr.write("  memory: module costs...\n");
    const modules = await moduleCosts();

    const families: Record<string, number> = {};
    for (const [f, n] of Object.entries(redisAfter.byFamily)) {
      const d = n - (redisIdle.byFamily[f] ?? 0);
      if (d !== 0) families[f] = d;
    }
    const bytesPerMigration = redisAfter.bytes - redisIdle.bytes;
    return {
      memory: {
        role: "all",
        process: `node ${MAIN} (npm run build${buildErrors ? `, ${buildErrors} type errors in the tree, emitted anyway` : ""})`,
        estate: DEMO_ESTATE,
        /** Goal < 150. Median VmRSS over the idle window. */
        idleRssMb: round(median(idle.samples)),
        idlePeakRssMb: round(Math.max(...idle.samples)),
        atStartRssMb: atStartMb,
        /** Peak VmRSS while the migration ran. */
        migrationRssMb: round(Math.max(...migration.samples)),
        migrationMedianRssMb: round(median(migration.samples)),
        afterMigrationRssMb: round(median(after.samples)),
        migrationStatus: migration.value,
        samples: { idle: idle.samples.length, migration: migration.samples.length },
        baseline: modules,
      },
      redis: {
        /** Goal < 1 MB. MEMORY USAGE of every key after one finished migration, less the same before it. */
        bytesPerMigration,
        kbPerMigration: round(bytesPerMigration / 1024),
        keysBefore: redisIdle.keys,
        keysAfter: redisAfter.keys,
        bytesIdle: redisIdle.bytes,
        byFamily: Object.fromEntries(Object.entries(families).sort((a, b) => b[1] - a[1])),
      },
    };
  } finally {
    await p?.stop();
    await world.close();
  }
}
