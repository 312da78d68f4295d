// The sandbox's worker pool: one hikkoshi worker process that can be killed (SIGKILL, no drain) and comes
// back after a restart delay, as a Kubernetes Deployment brings back a crashed pod.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EngineOptions } from "../../../src/jobs/engine.js";

export type WorkerState = "starting" | "running" | "killed" | "stopped";

export interface WorkerProcessOptions {
  env: Record<string, string>;
  engineOptions?: Partial<EngineOptions>;
  /** How long a killed worker stays down before it is started again (ms). */
  restartDelayMs?: number;
}

const ENTRY = fileURLToPath(new URL("./workerMain.ts", import.meta.url));

export class WorkerProcess {
  state: WorkerState = "stopped";
  kills = 0;
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: WorkerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the worker and resolves once it takes jobs. */
  start(): Promise<void> {
    if (this.child) return Promise.resolve();
    this.state = "starting";
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
      env: {
        ...process.env,
        ...this.opts.env,
        SANDBOX_ENGINE_OPTIONS: JSON.stringify(this.opts.engineOptions ?? {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    return new Promise((resolve, reject) => {
      child.stdout?.on("data", (c: Buffer) => {
        if (c.toString().includes("ready") && this.child === child) {
          this.state = "running";
          resolve();
        }
      });
      child.on("exit", (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (this.state === "starting") reject(new Error(`worker exited (${signal ?? code}):\n${stderr}`));
        if (this.state !== "killed") this.state = "stopped";
      });
    });
  }

  /** SIGKILL: the running step is abandoned mid-way; the worker comes back after the restart delay. */
  kill(): void {
    if (!this.child || this.closed) return;
    this.kills += 1;
    this.state = "killed";
    this.child.kill("SIGKILL");
    this.child = undefined;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.closed) void this.start().catch(() => {});
    }, this.opts.restartDelayMs ?? 1500);
  }

  /** Drains (SIGTERM) and waits for the process to end. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill("SIGTERM");
    });
    this.state = "stopped";
  }
}
