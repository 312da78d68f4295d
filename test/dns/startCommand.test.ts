// `/migrate start` and Route 53, through the engine's commands with a real redis-server and the real
// Route 53 adapter against the test host (token buckets at the documented values): the start command's
// read is stored with the migration and used by preflight in a worker with caches of its own, and a
// throttled account gets an answer naming the cause and the fix, not an internal error.

import { DOCUMENTED_LIMITS, type Route53Host, startRoute53Host } from "@hikkoshi/test-hosts/route53";
import { afterEach, describe, expect, it } from "vitest";
import { rejectionMessage } from "../../src/bot/render/replies.js";
import { parseConfig } from "../../src/config/load.js";
import type { Engine } from "../../src/jobs/engine.js";
import { startTestEngine, waitForGate } from "../support/engineHarness.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";
import { createTestPorts } from "../support/testPorts.js";
import { cname, NEW, OLD, portFor, SRC, TGT } from "./world.js";

const alice = { userId: "U0ALICE001" };

const config = parseConfig(`
environments:
  production:
    channel: C0PROD0001
    permissions:
      start: { users: [U0ALICE001] }
      approve: { users: [U0ALICE001] }
      rollback: { users: [U0ALICE001] }
    fourEyes: false
    clusters:
      - { name: ${OLD}, context: old, ingress: { hostname: ${SRC} } }
      - { name: ${NEW}, context: new, ingress: { hostname: ${TGT} } }
    dns:
      hostedZone: example.com.
      records: [www.example.com, api.example.com]
      strategy: { type: cnameSwap }
      lowerTtl: { enabled: true, ttlSeconds: 60 }
      changeTimeoutSeconds: 5
      drainMarginSeconds: 0
    checks: { smoke: [], verify: [] }
    decommissionSoakMinutes: 0
`);

const open: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function setup(): Promise<{ redis: RedisServerHandle; host: Route53Host }> {
  const redis = await startRedisServer();
  open.push(() => redis.stop());
  const host = await startRoute53Host({ insyncDelayMs: 10 });
  open.push(() => host.close());
  const zoneId = host.createZone({ name: "example.com." });
  host.putRecordSets(zoneId, [cname("www.example.com", SRC), cname("api.example.com", SRC)]);
  return { redis, host };
}

/** Engine with the real Route 53 adapter (a port of its own: what one process would have). */
async function engine(redisUrl: string, host: Route53Host, workers: boolean): Promise<Engine> {
  const test = createTestPorts({ redisUrl });
  await test.world.init(OLD);
  const e = await startTestEngine(redisUrl, config, { ...test, traffic: portFor(host) }, workers);
  open.push(async () => {
    await e.close();
    test.close();
  });
  return e;
}

/** Another tool in the account spends its burst, and the bucket refills at a trickle meanwhile. */
async function drainAccount(host: Route53Host): Promise<void> {
  host.throttle.configure({ ...DOCUMENTED_LIMITS, account: { capacity: 50, refillPerSecond: 0.001 } });
  const auth = { authorization: "AWS4-HMAC-SHA256 Credential=AKIDOTHER/another-tool" };
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${host.endpoint}/2013-04-01/hostedzonesbyname?dnsname=example.com.`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
  }
}

describe("/migrate start and Route 53", () => {
  it("preflight in the worker uses the start command's read: no request of its own, no zone lookup", async () => {
    const { redis, host } = await setup();
    const bot = await engine(redis.url, host, false);
    await engine(redis.url, host, true); // the worker, with its own adapter and caches
    host.resetCounters();
    const started = await bot.commands.start("production", alice);
    if (!started.ok) throw new Error(started.rejection.message);
    expect(host.counters.requests).toMatchObject({ ListHostedZonesByName: 1, ListResourceRecordSets: 1 });

    const m = await waitForGate(bot, started.value.id, "gate-cutover");
    expect(m.steps.find((s) => s.id === "preflight")?.status.state).toBe("succeeded");
    expect(m.steps.find((s) => s.id === "lower-ttl")?.status.state).toBe("succeeded");
    // Start: zone lookup + one read. Preflight: none. Lower-ttl: its change and its verify's read-back.
    expect(host.counters.requests).toMatchObject({
      ListHostedZonesByName: 1,
      GetHostedZone: 0,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
    expect(host.counters.changesEffective).toBe(1);
  });

  it("a throttled account gets the cause and the fix, nothing starts, and it starts once Route 53 answers", async () => {
    const { redis, host } = await setup();
    const bot = await engine(redis.url, host, false);
    await drainAccount(host);
    const refused = await bot.commands.start("production", alice);
    if (refused.ok) throw new Error("started while Route 53 was throttling every request");
    expect(refused.rejection.code).toBe("unavailable");
    expect(refused.rejection.message).toMatch(
      /^nothing was started: cannot read where production's DNS points\. Route 53 is throttling this account's requests \(Throttling: Rate exceeded\)/,
    );
    expect(refused.rejection.message).toMatch(/; try again in a minute; if it keeps happening/);
    expect(host.counters.throttledBy.account).toBeGreaterThanOrEqual(8);
    expect(await bot.store.lockHolder("production")).toBeUndefined();
    const shown = JSON.stringify(rejectionMessage(refused.rejection));
    expect(shown).toContain("Route 53 is throttling");
    expect(shown).not.toMatch(/internal error|Reference/);

    host.throttle.configure(DOCUMENTED_LIMITS); // the bucket has refilled
    const started = await bot.commands.start("production", alice);
    expect(started.ok).toBe(true);
  });

  it("a zone that does not exist is named, with the fix, and nothing starts", async () => {
    const { redis, host } = await setup();
    const bot = await engine(redis.url, host, false);
    host.store.zones.clear();
    const refused = await bot.commands.start("production", alice);
    if (refused.ok) throw new Error("started without a zone");
    expect(refused.rejection.code).toBe("unavailable");
    expect(refused.rejection.message).toContain("no hosted zone is named example.com. in this account");
    expect(refused.rejection.message).toContain("set dns.hostedZone to the zone id");
    expect(await bot.store.lockHolder("production")).toBeUndefined();
  });
});
