// Both roles serve /healthz, /readyz and /metrics over HTTP: the bot on its Slack port, a worker-only
// process on OPS_PORT. A whole migration runs through Slack in the sandbox world (real Bolt, real
// client-node, real AWS SDK against the test hosts), then the metrics of both processes are summed as
// Prometheus would; the logs of both are captured and must be JSON, one line per event, with no secret.

import { Writable } from "node:stream";
import { SlackDriver } from "@hikkoshi/sandbox/driver";
import { sandboxPorts } from "@hikkoshi/sandbox/sandboxPorts";
import { SANDBOX_USERS, type SandboxWorld, startSandboxWorld } from "@hikkoshi/sandbox/world";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../src/app/settings.js";
import { type Hikkoshi, startHikkoshi } from "../../src/app/startHikkoshi.js";
import { createLogger } from "../../src/observability/logger.js";
import { waitFor } from "../support/waitFor.js";
import { parsePromText, sum } from "./promText.js";

const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(
      ...chunk
        .toString()
        .split("\n")
        .filter((l) => l !== ""),
    );
    done();
  },
});
const logger = createLogger({ level: "debug", destination: capture });

let world: SandboxWorld;
let worker: Hikkoshi;
let slack: SlackDriver;
const { alice, bob } = SANDBOX_USERS;

async function get(port: number, path: string, method = "GET") {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
}

beforeAll(async () => {
  world = await startSandboxWorld({
    logger,
    strategy: "cnameSwap",
    estate: {
      namespaces: ["web", "batch"],
      deploymentsPerNamespace: 2,
      cronJobsPerNamespace: 3,
      forbiddenEvery: 2,
    },
    minUpdateIntervalMs: 200,
  });
  // A worker-only process beside the bot-and-workers one, wired as `HIKKOSHI_ROLE=worker npm start`.
  worker = await startHikkoshi({
    settings: readSettings({ ...process.env, HIKKOSHI_ROLE: "worker", OPS_PORT: "0" }),
    config: world.config,
    ports: sandboxPorts(process.env.KUBECONFIG ?? ""),
    logger: logger.child({ process: "worker" }),
    opsHost: "127.0.0.1",
  });
  slack = new SlackDriver(world);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await world?.close();
});

describe("ops endpoints", () => {
  it("both roles answer /healthz and /readyz with their own probes, and only the ops paths on the worker port", async () => {
    const botPort = world.app.port!;
    const opsPort = worker.opsPort!;
    expect(world.app.opsPort).toBeUndefined();
    expect(worker.port).toBeUndefined();
    for (const port of [botPort, opsPort]) {
      const health = await get(port, "/healthz");
      expect(health).toMatchObject({ status: 200, body: "ok\n" });
      const ready = await get(port, "/readyz");
      expect(ready.status, ready.body).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({
        ready: true,
        checks: ["redis", "config", "workers"],
        failing: {},
      });
    }
    expect((await get(opsPort, "/slack/events", "POST")).status).toBe(404);
    expect((await get(opsPort, "/metrics", "POST")).status).toBe(405);
    const metrics = await get(opsPort, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/^hikkoshi_queue_jobs\{state="waiting"\} 0$/m);
    expect(metrics.body).toMatch(/^hikkoshi_process_resident_memory_bytes \d+/m);
  });

  it("a whole migration through Slack shows in the summed metrics of both processes", async () => {
    const reply = await slack.command(alice, "start production");
    expect(reply).not.toMatch(/HTTP [45]/);
    await slack.click(bob, await slack.waitForButton(/approve cutover/i, 120_000));
    await slack.click(bob, await slack.waitForButton(/approve decommission/i, 120_000));
    expect(await slack.waitForStatus(["completed", "halted", "rolled-back", "rollback-failed"])).toBe(
      "completed",
    );

    // The handoff gap observation reads its report asynchronously after the commit.
    const scrape = async () => [
      ...parsePromText((await get(world.app.port!, "/metrics")).body),
      ...parsePromText((await get(worker.opsPort!, "/metrics")).body),
    ];
    const s = await waitFor(async () => {
      const x = await scrape();
      return sum(x, "hikkoshi_handoff_gap_seconds_count") > 0 ? x : undefined;
    }, "handoff gaps in the metrics");
    expect(sum(s, "hikkoshi_migrations_started_total", { environment: "production" })).toBe(1);
    expect(
      sum(s, "hikkoshi_migrations_finished_total", { environment: "production", outcome: "completed" }),
    ).toBe(1);
    for (const step of [
      "preflight",
      "backup",
      "restore",
      "wait-ready",
      "smoke",
      "handoff",
      "shift-traffic",
      "decommission",
    ])
      expect(sum(s, "hikkoshi_step_duration_seconds_count", { step, outcome: "succeeded" }), step).toBe(1);
    expect(sum(s, "hikkoshi_gate_wait_seconds_count", { gate: "gate-cutover" })).toBe(1);
    expect(sum(s, "hikkoshi_gate_wait_seconds_count", { gate: "gate-decommission" })).toBe(1);
    expect(sum(s, "hikkoshi_rollbacks_total")).toBe(0);
    // One observation per duplication-forbidden resource handed off.
    expect(sum(s, "hikkoshi_handoff_gap_seconds_count")).toBe(world.estate.forbidden);
    for (const service of ["kubernetes", "route53", "slack"])
      expect(sum(s, "hikkoshi_external_calls_total", { service, outcome: "ok" }), service).toBeGreaterThan(0);
    expect(sum(s, "hikkoshi_queue_jobs", { state: "active" })).toBe(0);
  }, 240_000);

  it("/readyz says which dependency is missing when Redis stops answering, and recovers", async () => {
    const admin = new Redis(world.redis.url);
    try {
      // Long enough for both probes' 2 s deadlines (asked at once) on a busy machine; it lifts by itself.
      await admin.call("CLIENT", "PAUSE", "8000", "ALL");
      const answers = await Promise.all(
        [world.app.port!, worker.opsPort!].map(async (port) => ({
          ready: await get(port, "/readyz"),
          health: await get(port, "/healthz"),
        })),
      );
      for (const { ready, health } of answers) {
        expect(ready.status).toBe(503);
        const body = JSON.parse(ready.body) as { ready: boolean; failing: Record<string, string> };
        expect(body.ready).toBe(false);
        expect(body.failing.redis).toMatch(/no answer within 2000 ms/);
        expect(health.status).toBe(200);
      }
    } finally {
      admin.disconnect();
    }
    for (const port of [world.app.port!, worker.opsPort!])
      await waitFor(
        async () => (await get(port, "/readyz")).status === 200,
        `ready again on ${port}`,
        30_000,
      );
  }, 60_000);
});

describe("logs", () => {
  it("are JSON, one line per event with migration id, step and actor", async () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = parsed.filter((o) => typeof o.migrationId === "string" && typeof o.step === "string");
    const byStep = (step: string, state: string) =>
      events.filter((o) => o.step === step && o.state === state);
    expect(byStep("backup", "succeeded")).toHaveLength(1);
    expect(byStep("gate-cutover", "succeeded").map((o) => o.actor)).toEqual([bob]);
    expect(events.find((o) => o.msg?.toString().startsWith("migration started"))?.actor).toBe(alice);
    for (const o of events) expect(typeof o.actor, JSON.stringify(o)).toBe("string");
  });

  it("never carry the bot token or the signing secret, nor do Slack messages", () => {
    const token = process.env.SLACK_BOT_TOKEN!;
    const secret = process.env.SLACK_SIGNING_SECRET!;
    expect(token).toMatch(/^xoxb-/);
    expect(secret.length).toBeGreaterThan(10);
    // Redaction by configuration: even a logger handed the settings writes no secret.
    logger.info({ settings: readSettings(process.env), signingSecret: secret, botToken: token }, "settings");
    const logs = lines.join("\n");
    expect(lines.length).toBeGreaterThan(50);
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(secret);
    expect(logs).toContain("[redacted]");
    const slackSide = JSON.stringify([world.slack.calls, world.slack.ephemerals]);
    expect(world.slack.calls.filter((c) => c.method === "chat.update").length).toBeGreaterThan(0);
    expect(slackSide).not.toContain(token);
    expect(slackSide).not.toContain(secret);
  });
});
