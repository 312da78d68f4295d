import { describe, expect, it } from "vitest";
import { killHard, startChildWorker } from "../support/childWorker.js";
import { childWorkerSuite } from "../support/childWorkerSuite.js";
import { expectEveryEffectOnce } from "../support/completedOnce.js";
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";
import { waitFor } from "../support/waitFor.js";

const alice = { userId: "U0ALICE001" };
const bob = { userId: "U0BOB00001" };

const suite = childWorkerSuite();

async function runningStep(id: string, stepId: string): Promise<void> {
  await waitFor(async () => {
    const m = await suite.engine.store.get(id);
    const st = m?.steps.find((s) => s.id === stepId)?.status;
    return st?.state === "running";
  }, `${stepId} to be running`);
}

describe("faults", () => {
  it("a worker killed with SIGKILL mid-step is replaced and every effect happens exactly once", async () => {
    const portOpts = { redisUrl: suite.redis.url, opDelayMs: 600, opDelayAfterMs: 600 };
    const config = {};
    const ports = createTestPorts(portOpts);
    await ports.world.init("production-20251101");
    suite.engine = await startTestEngine(suite.redis.url, testConfig(config), ports, false); // commands only, no workers here
    let child = await startChildWorker({ ports: portOpts, config });
    suite.children.push(child);

    const started = await suite.engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;

    // Kill before the effect (backup sleeps 600 ms first)...
    await runningStep(id, "backup");
    await new Promise((r) => setTimeout(r, 200));
    await killHard(child);
    child = await startChildWorker({ ports: portOpts, config });
    suite.children.push(child);
    await waitForGate(suite.engine, id, "gate-cutover", 40_000);

    // ...and after the effect, before the step is recorded (handoff acts at 600 ms, returns at 1200 ms).
    await suite.engine.commands.approve({ env: "production" }, bob);
    await runningStep(id, "handoff");
    await waitFor(async () => (await ports.world.effects()).handoff === 1, "handoff effect");
    await killHard(child);
    expect((await suite.engine.store.get(id))?.steps.find((s) => s.id === "handoff")?.status.state).toBe(
      "running",
    );
    child = await startChildWorker({ ports: portOpts, config });
    suite.children.push(child);

    await waitForGate(suite.engine, id, "gate-decommission", 40_000);
    await suite.engine.commands.approve({ env: "production" }, bob);
    await waitForStatus(suite.engine, id, "completed", 40_000);
    await expectEveryEffectOnce(ports.world);
    ports.close();
  }, 120_000);

  it("SIGTERM drains: the running step finishes and is recorded before the worker exits", async () => {
    const portOpts = { redisUrl: suite.redis.url, opDelayMs: 800 };
    const ports = createTestPorts(portOpts);
    await ports.world.init("production-20251101");
    suite.engine = await startTestEngine(suite.redis.url, testConfig(), ports, false);
    const child = await startChildWorker({ ports: portOpts, config: {} });
    suite.children.push(child);
    const started = await suite.engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await runningStep(id, "lower-ttl");
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const m = await suite.engine.store.get(id);
    expect(m?.steps.find((s) => s.id === "lower-ttl")?.status.state).toBe("succeeded");
    expect((await ports.world.effects())["ttl-1"]).toBe(1);
    ports.close();
  }, 60_000);

  it("survives a redis-server restart mid-migration (AOF) without losing anything", async () => {
    const ports = createTestPorts({ redisUrl: suite.redis.url, opDelayMs: 300 });
    await ports.world.init("production-20251101");
    suite.engine = await startTestEngine(suite.redis.url, testConfig(), ports);
    const started = await suite.engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await runningStep(id, "restore");
    const before = await suite.engine.store.get(id);
    await suite.redis.restart();
    const after = await waitFor(() => suite.engine.store.get(id), "record after restart");
    expect(after.version).toBeGreaterThanOrEqual(before!.version);
    await waitForGate(suite.engine, id, "gate-cutover", 40_000);
    await suite.engine.commands.approve({ env: "production" }, bob);
    await waitForGate(suite.engine, id, "gate-decommission", 40_000);
    await suite.engine.commands.approve({ env: "production" }, bob);
    const done = await waitForStatus(suite.engine, id, "completed", 40_000);
    expect(done.steps.every((s) => s.status.state === "succeeded")).toBe(true);
    const effects = await ports.world.effects();
    expect(Object.values(effects).every((n) => n === 1)).toBe(true);
    const audit = await suite.engine.commands.auditSince(id, "0");
    expect(audit.filter((e) => e.action === "approve")).toHaveLength(2);
    ports.close();
  }, 120_000);
});
