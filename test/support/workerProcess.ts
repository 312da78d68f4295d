// A worker in its own process, so a test can SIGKILL it mid-step. Options arrive as JSON in argv[2].
import { startTestEngine } from "./engineHarness.js";
import { testConfig } from "./testConfig.js";
import { createTestPorts, type TestPortsOptions } from "./testPorts.js";

const opts = JSON.parse(process.argv[2] ?? "{}") as {
  ports: TestPortsOptions;
  config: Parameters<typeof testConfig>[0];
};
const ports = createTestPorts(opts.ports);
const engine = await startTestEngine(opts.ports.redisUrl, testConfig(opts.config), ports);
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void engine.close().then(() => process.exit(0));
});
