import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return reject(new Error("no port"));
      srv.close(() => resolve(addr.port));
    });
  });
}

/**
 * Spawns redis-server in the foreground on 127.0.0.1:`port`, its files in `dir`, with `noeviction` as
 * production needs (an evicted BullMQ key is a lost job); `flags` add persistence, replication and the like.
 */
export function spawnRedisServer(port: number, dir: string, flags: readonly string[]): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--maxmemory-policy",
      "noeviction",
      "--daemonize",
      "no",
      ...flags,
    ],
    { stdio: "ignore" },
  );
}

export interface RedisServerHandle {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL-free restart: SHUTDOWN (AOF fsynced), then start again on the same port and data dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real redis-server on a free loopback port with AOF on and `noeviction`, as production needs.
 * One per test file, so no state is shared between files.
 */
export async function startRedisServer(opts: { aof?: boolean } = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-redis-"));
  const aof = opts.aof ?? true;
  let proc: ChildProcess | undefined;

  const launch = async () => {
    proc = spawnRedisServer(port, dir, [
      "--save",
      "",
      "--appendonly",
      aof ? "yes" : "no",
      "--appendfsync",
      "always",
    ]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis({
        port,
        host: "127.0.0.1",
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on("error", () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  const shutdown = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    const c = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on("error", () => {});
    try {
      await c.call("SHUTDOWN", aof ? "SAVE" : "NOSAVE");
    } catch {
      // SHUTDOWN closes the connection instead of replying.
    }
    c.disconnect();
    const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    restart: async () => {
      await shutdown();
      await launch();
    },
    stop: async () => {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
