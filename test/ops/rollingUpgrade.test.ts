// Upgrading hikkoshi during a running migration: the old worker process gets SIGTERM mid-step, finishes
// and records that step, and exits; a new process carries on, started before (a rolling update) or after
// (Recreate). Twice in one migration (during the backup and during the handoff). Nothing is lost,
// nothing is repeated: every effect happens once and every step job was started exactly once.

import type { ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { STEP_QUEUE } from "../../src/jobs/stepJobs.js";
import { startChildWorker } from "../support/childWorker.js";
import { childWorkerSuite } from "../support/childWorkerSuite.js";
import { expectCompletedOnce } from "../support/completedOnce.js";
import { startTestEngine, waitForGate, waitForStatus } from "../support/engineHarness.js";
import { testConfig } from "../support/testConfig.js";
import { createTestPorts } from "../support/testPorts.js";
import { waitFor } from "../support/waitFor.js";

const alice = { userId: "U0ALICE001" };
const bob = { userId: "U0BOB00001" };

const suite = childWorkerSuite();

async function stepState(id: string, stepId: string): Promise<string | undefined> {
  return (await suite.engine.store.get(id))?.steps.find((s) => s.id === stepId)?.status.state;
}

type Order = "new first" | "old first";

/**
 * Replaces one worker: "new first" is a rolling update (maxSurge 1, maxUnavailable 0), "old first" a
 * Recreate (SIGTERM, drain, then start the new one). The old process must drain cleanly either way.
 */
async function upgrade(old: ChildProcess, opts: object, order: Order): Promise<ChildProcess> {
  const start = async () => {
    const next = await startChildWorker(opts);
    suite.children.push(next);
    return next;
  };
  const next = order === "new first" ? await start() : undefined;
  const exited = new Promise<number | null>((r) => old.once("exit", (code) => r(code)));
  old.kill("SIGTERM");
  expect(await exited).toBe(0);
  return next ?? (await start());
}

it.each<Order>(["new first", "old first"])(
  "replacing the worker mid-step twice (%s) loses and repeats nothing",
  async (order) => {
    const portOpts = { redisUrl: suite.redis.url, opDelayMs: 700, opDelayAfterMs: 700 };
    const config = {};
    const ports = createTestPorts(portOpts);
    await ports.world.init("production-20251101");
    suite.engine = await startTestEngine(suite.redis.url, testConfig(config), ports, false); // commands only
    let worker = await startChildWorker({ ports: portOpts, config });
    suite.children.push(worker);

    const started = await suite.engine.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;

    // Upgrade while the backup runs: the old worker finishes it and records it before it exits.
    await waitFor(async () => (await stepState(id, "backup")) === "running", "backup to run");
    worker = await upgrade(worker, { ports: portOpts, config }, order);
    expect(["succeeded"]).toContain(await stepState(id, "backup"));

    await waitForGate(suite.engine, id, "gate-cutover", 60_000);
    await suite.engine.commands.approve({ env: "production" }, bob);
    // And again while the handoff (the step that must never run twice) is between its effect and its end.
    await waitFor(async () => (await ports.world.effects()).handoff === 1, "handoff effect");
    expect(await stepState(id, "handoff")).toBe("running");
    worker = await upgrade(worker, { ports: portOpts, config }, order);
    expect(await stepState(id, "handoff")).toBe("succeeded");

    await waitForGate(suite.engine, id, "gate-decommission", 60_000);
    await suite.engine.commands.approve({ env: "production" }, bob);
    const done = await waitForStatus(suite.engine, id, "completed", 60_000);
    await expectCompletedOnce(done, ports.world);
    // Every step job ran in exactly one attempt, and only one job exists per step (no second run number).
    const conn = new Redis(suite.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(STEP_QUEUE, { connection: conn });
    try {
      const jobs = (await queue.getJobs(["completed", "failed", "active", "waiting", "delayed"])).filter(
        (j) => j.id?.startsWith(`${id}.`),
      );
      expect(jobs.length).toBeGreaterThanOrEqual(done.steps.length - 2);
      for (const j of jobs) {
        expect(j.id, `${j.id} finished`).toSatisfy(() => j.finishedOn !== undefined);
        expect(j.attemptsStarted, `${j.id} started`).toBe(1);
        expect(j.stalledCounter, `${j.id} stalled`).toBe(0);
      }
      // One job per step; only a timer (the soak) continues in a second job by design (`waiting` → run 2).
      const perStep = new Map<number, number>();
      for (const j of jobs) {
        const index = Number(j.id!.split(".").at(-2));
        perStep.set(index, (perStep.get(index) ?? 0) + 1);
      }
      const repeated = [...perStep.entries()].filter(([, n]) => n > 1).map(([i]) => done.steps[i]?.kind);
      expect(repeated).toEqual(["soak"]);
    } finally {
      await queue.close();
      conn.disconnect();
    }
    const audit = await suite.engine.commands.auditSince(id, "0");
    expect(audit.filter((e) => e.action === "approve").map((e) => e.actor)).toEqual([bob.userId, bob.userId]);
    ports.close();
  },
  180_000,
);
