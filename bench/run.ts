// `npm run bench`: every benchmark, each against a baseline measured in the same run, written to
// bench/results.json. Traffic goes only to test hosts on 127.0.0.1; every loop is bounded.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { runBigEstateBench } from "./bigEstate.bench.js";
import { runHandoffBench } from "./handoff.bench.js";
import { runMemoryBench } from "./memory.bench.js";
import { runMigrationBench } from "./migration.bench.js";
import { runRoute53Bench } from "./route53.bench.js";
import { runSlackBench } from "./slack.bench.js";

type Entries = Record<string, unknown>;
const one = (name: string, run: () => Promise<Entries>) => async () => ({ [name]: await run() });

/** Each bench writes the results.json entries it returns (most one, named after it). */
const benches: Record<string, () => Promise<Record<string, Entries>>> = {
  handoff: one("handoff", runHandoffBench),
  slack: one("slack", runSlackBench),
  route53: one("route53", runRoute53Bench),
  memory: runMemoryBench, // memory and redis
  migration: one("migration", runMigrationBench),
  bigEstate: one("bigEstate", runBigEstateBench),
};

const only = process.argv[2];
if (only && !(only in benches)) {
  process.stderr.write(`unknown bench "${only}"; one of: ${Object.keys(benches).join(", ")}\n`);
  process.exit(2);
}
// A single bench (`npm run bench -- handoff`) replaces only its own entries; the others keep their figures.
const previous: Entries =
  only && existsSync("bench/results.json") ? JSON.parse(readFileSync("bench/results.json", "utf8")) : {};
const results: Entries = {
  ...previous,
  measuredAt: new Date().toISOString(),
  node: process.version,
};
const started = performance.now();
const took: Record<string, number> = {};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  process.stdout.write(`bench ${name}...\n`);
  const t0 = performance.now();
  const entries = await run();
  Object.assign(results, entries);
  took[name] = Math.round((performance.now() - t0) / 100) / 10;
  process.stdout.write(`${JSON.stringify(entries, null, 2)}\n(${took[name]} s)\n`);
}
if (!only) results.benchSeconds = { ...took, total: Math.round((performance.now() - started) / 100) / 10 };
writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("wrote bench/results.json\n");
process.exit(0);
