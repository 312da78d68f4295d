// A sandbox session, what the console and the rehearsals run on: the world with its workers in a process
// of their own (so one can be killed), a host clock that makes CronJobs fire every few seconds (so a run
// on both clusters would show), the invariant watch and the fault board.
import { ScaledClock } from "@hikkoshi/test-hosts/kube";
import { cronJob } from "@hikkoshi/test-hosts/kube/objects";
import type { Logger } from "pino";
import type { EstateSize } from "./demoEstate.js";
import { SlackDriver } from "./driver.js";
import { FaultBoard } from "./faults.js";
import { type InvariantWatch, watchInvariants } from "./invariants.js";
import { type SandboxWorld, startSandboxWorld } from "./world.js";

export interface SessionOptions {
  strategy?: "weighted" | "cnameSwap";
  logger: Logger;
  estate?: EstateSize;
  /** Host minutes pass this many times faster than wall time (default 30: `* * * * *` runs every 2 s). */
  clockSpeed?: number;
  /** Live message updates at most this often (default 1000 ms, Slack's pace). */
  minUpdateIntervalMs?: number;
  /** Run workers in-process instead (faster start; "kill a worker" is then unavailable). */
  inProcessWorkers?: boolean;
}

export interface Session {
  world: SandboxWorld;
  driver: SlackDriver;
  faults: FaultBoard;
  invariants: InvariantWatch;
  close(): Promise<void>;
}

/** Busy CronJobs on the old cluster: two forbidden ones every host minute, so the handoff has work to do. */
function addBusyCronJobs(world: SandboxWorld): void {
  for (const name of ["ledger-close", "invoice-run"]) {
    world.old.objects.put(cronJob("ops", name, "* * * * *"));
  }
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  const world = await startSandboxWorld({
    strategy: opts.strategy ?? "weighted",
    logger: opts.logger,
    ...(opts.estate ? { estate: opts.estate } : {}),
    clock: new ScaledClock(opts.clockSpeed ?? 30),
    // A run takes 30 host seconds (1 s of wall time at speed 30): the handoff has running Jobs to wait for.
    cronJobs: { jobDurationMs: 30_000 },
    ...(opts.minUpdateIntervalMs !== undefined ? { minUpdateIntervalMs: opts.minUpdateIntervalMs } : {}),
    // A killed worker's step is picked up again once its lock lapses: seconds here, not BullMQ's minute.
    engineOptions: { tuning: { lockDurationMs: 6000, stalledIntervalMs: 1500 }, reconcileEveryMs: 3000 },
    ...(opts.inProcessWorkers ? {} : { workerProcess: { restartDelayMs: 1500 } }),
  });
  addBusyCronJobs(world);
  const invariants = watchInvariants(world);
  const faults = new FaultBoard(world);
  return {
    world,
    driver: new SlackDriver(world),
    faults,
    invariants,
    async close() {
      invariants.stop();
      faults.clear();
      await world.close();
    },
  };
}
