// `npm run config:check -- <file>`: validates a config file the way start-up does, and prints a short
// summary of what it configures, so a change can be checked before it is deployed.
import { ConfigError, loadConfigFile } from "../config/load.js";

const path = process.argv[2] ?? process.env.HIKKOSHI_CONFIG;
if (!path) {
  process.stderr.write("usage: npm run config:check -- <config.yaml>   (or set HIKKOSHI_CONFIG)\n");
  process.exit(2);
}
try {
  const config = loadConfigFile(path);
  for (const [name, env] of Object.entries(config.environments)) {
    const strategy =
      env.dns.strategy.type === "weighted" ? `weighted ${env.dns.strategy.steps.join("→")}%` : "CNAME swap";
    process.stdout.write(
      `${name}: clusters ${env.clusters.map((c) => c.name).join(", ")} · ${env.dns.records.length} DNS name(s), ${strategy} · channel ${env.channel}${env.fourEyes ? " · four-eyes" : ""}\n`,
    );
  }
  process.stdout.write(`${path}: valid\n`);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
