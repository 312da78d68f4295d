// A real Sentinel deployment on 127.0.0.1: a primary, a replica and one sentinel (quorum 1), each a
// Debian redis-server / redis-sentinel process on a free port, for failover tests.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, spawnRedisServer } from "../support/redisServer.js";
import { waitFor } from "../support/waitFor.js";

export const MASTER_NAME = "hikkoshi";

export interface SentinelSet {
  /** REDIS_URL for hikkoshi. */
  url: string;
  primaryPort: number;
  replicaPort: number;
  sentinelPort: number;
  /** The port Sentinel currently names as primary. */
  currentPrimary(): Promise<number>;
  /** Waits until the replica has every write the primary has, then asks Sentinel to fail over. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

function direct(port: number): Redis {
  const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  r.on("error", () => {});
  return r;
}

async function untilPing(port: number): Promise<void> {
  await waitFor(
    async () => {
      const r = direct(port);
      try {
        return (await r.ping()) === "PONG";
      } finally {
        r.disconnect();
      }
    },
    `redis on ${port}`,
    15_000,
    100,
  );
}

export async function startSentinelSet(opts: { replicaPersistence?: boolean } = {}): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-sentinel-"));
  const [primaryPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const procs: ChildProcess[] = [];
  const server = (port: number, name: string, extra: string[]) => {
    procs.push(
      spawnRedisServer(port, dir, [
        "--dbfilename",
        `${name}.rdb`,
        "--appendfilename",
        `${name}.aof`,
        "--appenddirname",
        `${name}-aof`,
        ...extra,
      ]),
    );
  };
  server(primaryPort, "primary", ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]);
  await untilPing(primaryPort);
  const persist = opts.replicaPersistence ?? true;
  server(replicaPort, "replica", [
    "--replicaof",
    "127.0.0.1",
    String(primaryPort),
    "--appendonly",
    persist ? "yes" : "no",
    "--save",
    "",
  ]);
  await untilPing(replicaPort);
  const conf = join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 1`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      "",
    ].join("\n"),
  );
  procs.push(spawn("redis-sentinel", [conf], { stdio: "ignore" }));
  await untilPing(sentinelPort);
  const sentinel = direct(sentinelPort);
  // Sentinel learns of the replica from the primary's INFO; a failover needs it known and in sync.
  await waitFor(
    async () => {
      const replicas = (await sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME)) as string[][];
      return replicas.some((r) => {
        const f = Object.fromEntries(r.flatMap((v, i) => (i % 2 === 0 ? [[v, r[i + 1]]] : [])));
        return (
          f.port === String(replicaPort) && f["master-link-status"] === "ok" && !/down/.test(f.flags ?? "")
        );
      });
    },
    "sentinel to know the replica",
    30_000,
    200,
  );

  const currentPrimary = async () => {
    const [, port] = (await sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)) as [
      string,
      string,
    ];
    return Number(port);
  };
  return {
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/${MASTER_NAME}`,
    primaryPort,
    replicaPort,
    sentinelPort,
    currentPrimary,
    async failover() {
      const p = direct(primaryPort);
      const r = direct(replicaPort);
      try {
        const offset = async (c: Redis, key: string) =>
          Number(new RegExp(`^${key}:(\\d+)`, "m").exec(await c.info("replication"))?.[1] ?? -1);
        await waitFor(
          async () => (await offset(r, "slave_repl_offset")) >= (await offset(p, "master_repl_offset")),
          "replica to catch up",
          10_000,
          20,
        );
      } finally {
        p.disconnect();
        r.disconnect();
      }
      await sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
      await waitFor(
        async () => (await currentPrimary()) === replicaPort,
        "sentinel to name the replica",
        30_000,
        100,
      );
    },
    async stop() {
      sentinel.disconnect();
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              p.once("exit", () => resolve());
              p.kill("SIGTERM");
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
