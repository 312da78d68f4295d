// `npm run bench`: every benchmark, each against a baseline measured in the same run, written to
// bench/results.json. Traffic goes only to test hosts on 127.0.0.1; every loop is bounded.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { runHandoffBench } from "./handoff.bench.js";
import { runMigrationBench } from "./migration.bench.js";
import { runRoute53Bench } from "./route53.bench.js";
import { runSlackBench } from "./slack.bench.js";

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  handoff: runHandoffBench,
  slack: runSlackBench,
  migration: runMigrationBench,
  route53: runRoute53Bench,
};

const only = process.argv[2];
if (only && !(only in benches)) {
  process.stderr.write(`unknown bench "${only}"; one of: ${Object.keys(benches).join(", ")}\n`);
  process.exit(2);
}
// A single bench (`npm run bench -- handoff`) replaces only its own entry; the others keep their figures.
const previous: Record<string, unknown> =
  only && existsSync("bench/results.json") ? JSON.parse(readFileSync("bench/results.json", "utf8")) : {};
const results: Record<string, unknown> = {
  ...previous,
  measuredAt: new Date().toISOString(),
  node: process.version,
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  process.stdout.write(`bench ${name}...\n`);
  const started = performance.now();
  results[name] = await run();
  process.stdout.write(
    `${JSON.stringify(results[name], null, 2)}\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("wrote bench/results.json\n");
process.exit(0);
