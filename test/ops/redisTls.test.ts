// REDIS_URL=rediss://: a redis-server that speaks only TLS (plain port off), a certificate from a test
// CA, and a whole migration whose every connection (store, events, BullMQ) goes over it. The CA reaches
// the process the standard way, NODE_EXTRA_CA_CERTS.
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { freePort } from "../support/redisServer.js";
import { waitFor } from "../support/waitFor.js";

const here = dirname(fileURLToPath(import.meta.url));

function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=hikkoshi test CA",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    f("redis.key"),
    "-out",
    f("redis.csr"),
  );
  writeFileSync(f("san.ext"), "subjectAltName=IP:127.0.0.1\n");
  ssl(
    "x509",
    "-req",
    "-in",
    f("redis.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    f("san.ext"),
    "-out",
    f("redis.pem"),
  );
  return { ca: f("ca.pem"), cert: f("redis.pem"), key: f("redis.key") };
}

it("a whole migration over rediss:// with the CA from NODE_EXTRA_CA_CERTS", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hikkoshi-tls-"));
  const certs = makeCertificates(dir);
  const port = await freePort();
  const server = spawn(
    "redis-server",
    [
      "--port",
      "0",
      "--tls-port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--tls-cert-file",
      certs.cert,
      "--tls-key-file",
      certs.key,
      "--tls-ca-cert-file",
      certs.ca,
      "--tls-auth-clients",
      "no",
      "--save",
      "",
      "--appendonly",
      "yes",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  const admin = new Redis({
    host: "127.0.0.1",
    port,
    tls: { ca: readFileSync(certs.ca) },
    lazyConnect: true,
  });
  admin.on("error", () => {});
  try {
    await waitFor(async () => {
      if (admin.status !== "ready") await admin.connect().catch(() => {});
      return (await admin.ping()) === "PONG";
    }, "TLS redis-server");
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", join(here, "tlsMigrationProcess.ts"), `rediss://127.0.0.1:${port}`],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca }, timeout: 150_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({
      status: "completed",
      effects: { "ttl-1": 1, backup: 1, restore: 1, handoff: 1, "shift-100": 1, decommission: 1, "ttl-2": 1 },
    });
    // Everything went over TLS: the server has no plain port, and it saw the migration's keys.
    expect(await admin.config("GET", "port")).toEqual(["port", "0"]);
    expect((await admin.keys("*production-*")).length).toBeGreaterThan(0);
  } finally {
    admin.disconnect();
    const exited = new Promise<void>((r) => server.once("exit", () => r()));
    server.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
