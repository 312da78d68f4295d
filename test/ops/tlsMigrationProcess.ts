// A whole migration (engine, workers, test world) over REDIS_URL=rediss://..., in a process of its own so
// NODE_EXTRA_CA_CERTS can name the test CA as it would in production. Prints the effects as JSON.
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";

const url = process.argv[2] ?? "";
const ports = createTestPorts({ redisUrl: url });
await ports.world.init("production-20251101");
const engine = await startTestEngine(url, testConfig(), ports);
const started = await engine.commands.start("production", { userId: "U0ALICE001" });
if (!started.ok) throw new Error(started.rejection.message);
const id = started.value.id;
const bob = { userId: "U0BOB00001" };
await waitForGate(engine, id, "gate-cutover", 60_000);
await engine.commands.approve({ env: "production" }, bob);
await waitForGate(engine, id, "gate-decommission", 60_000);
await engine.commands.approve({ env: "production" }, bob);
const done = await waitForStatus(engine, id, "completed", 60_000);
process.stdout.write(`${JSON.stringify({ status: done.status, effects: await ports.world.effects() })}\n`);
await engine.close();
ports.close();
process.exit(0);
