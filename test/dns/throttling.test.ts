// hikkoshi's Route 53 pacing against a test host that throttles like Route 53 (token buckets per account,
// per operation and for record changes), through the real SDK over HTTP. The host counts every request
// it refused: a test fails when hikkoshi exceeds the limits.

import { type Route53HostOptions, startRoute53Host } from "@hikkoshi/test-hosts/route53";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Route53Gateway } from "../../src/dns/route53/gateway.js";
import type { PacingOptions } from "../../src/dns/route53/pacing.js";
import { DEFAULT_RETRY, type RetryOptions } from "../../src/dns/route53/retry.js";
import { createRoute53Client } from "../../src/dns/route53/traffic.js";
import { cname, txt } from "./world.js";

const hosts: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function setup(
  hostOpts: Route53HostOptions,
  retry: Partial<RetryOptions> = {},
  pacing: Partial<PacingOptions> = {},
) {
  const host = await startRoute53Host(hostOpts);
  hosts.push(host);
  const zoneId = host.createZone({ name: "example.com." });
  const client = createRoute53Client({
    endpoint: host.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
  });
  const gw = new Route53Gateway(
    client,
    { ...DEFAULT_RETRY, baseDelayMs: 5, maxDelayMs: 50, ...retry, pacing },
    { pollMs: 3, maxPollMs: 10 },
    100,
  );
  return { host, zoneId, gw };
}

describe("pacing at Route 53's documented limits", () => {
  it("a burst of 70 concurrent reads is paced so that Route 53 throttles none of them", async () => {
    const { host, zoneId, gw } = await setup({});
    host.putRecordSets(zoneId, [cname("www.example.com", "a.example.net")]);
    const reads = await Promise.all(Array.from({ length: 70 }, () => gw.readName(zoneId, "www.example.com")));
    expect(reads.every((r) => r.length === 1)).toBe(true);
    expect(host.counters.requests.ListResourceRecordSets).toBe(70);
    expect(host.counters.throttled).toBe(0);
  });

  it("pacing above the limits is caught by the host, and backoff on Throttling still gets every read through", async () => {
    const loose = { capacity: 500, refillPerSecond: 1000 };
    const { host, zoneId, gw } = await setup(
      {
        limits: {
          account: { capacity: 20, refillPerSecond: 40 },
          perOperation: { capacity: 20, refillPerSecond: 40 },
        },
      },
      { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 30, requestsPerSecond: 40 },
      { account: loose, perOperation: loose, marginTokens: 0 },
    );
    host.putRecordSets(zoneId, [cname("www.example.com", "a.example.net")]);
    const reads = await Promise.all(Array.from({ length: 40 }, () => gw.readName(zoneId, "www.example.com")));
    expect(reads.every((r) => r.length === 1)).toBe(true);
    expect(host.counters.throttled).toBeGreaterThan(0);
    expect(host.counters.throttledBy.account + host.counters.throttledBy.operation).toBe(
      host.counters.throttled,
    );
  });

  it("the same load with pacing matched to the host's limits is never throttled", async () => {
    const limit = { capacity: 20, refillPerSecond: 40 };
    // A margin of 5 tokens absorbs requests that reach the host closer together than they were sent.
    const { host, zoneId, gw } = await setup(
      { limits: { account: limit, perOperation: limit } },
      {},
      { account: limit, perOperation: limit, marginTokens: 5 },
    );
    host.putRecordSets(zoneId, [cname("www.example.com", "a.example.net")]);
    await Promise.all(Array.from({ length: 100 }, () => gw.readName(zoneId, "www.example.com")));
    await Promise.all(Array.from({ length: 30 }, () => gw.resolveZone(zoneId)));
    expect(host.counters.requests.ListResourceRecordSets).toBe(100);
    expect(host.counters.throttled).toBe(0);
  });

  const upserts = (i: number) =>
    ["a", "b"].map((n) => ({
      Action: "UPSERT" as const,
      ResourceRecordSet: cname(`${n}${i}.example.com`, "x.example.net"),
    }));
  /** Five batches of two UPSERTs (20 change tokens) against a host whose change bucket holds 8. */
  const hostChanges = { limits: { changes: { capacity: 8, refillPerSecond: 40 } } };

  it("change batches wait for the change bucket (an UPSERT weighs two), so none is throttled", async () => {
    const { host, zoneId, gw } = await setup(
      hostChanges,
      {},
      { changes: { capacity: 4, refillPerSecond: 20 } },
    );
    for (let i = 0; i < 5; i++) await gw.submit(zoneId, upserts(i), `batch ${i}`);
    expect(host.counters.changesAccepted).toBe(5);
    expect(host.counters.throttled).toBe(0);
  });

  it("without a change bucket of its size, the same batches are throttled by the host", async () => {
    const { host, zoneId, gw } = await setup(
      hostChanges,
      {},
      { changes: { capacity: 1000, refillPerSecond: 1000 } },
    );
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await gw.submit(zoneId, upserts(i), `batch ${i}`).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      );
    expect(outcomes).toContain("Throttling");
    expect(host.counters.throttledBy.changes).toBeGreaterThan(0);
  });

  it("a pacing that admits nothing is refused with the fix", async () => {
    await expect(
      setup({}, {}, { account: { capacity: 5, refillPerSecond: 10 }, marginTokens: 5 }),
    ).rejects.toThrow(/account bucket .* admits nothing; give it a capacity above the margin/);
  });
});

describe("reading a zone once per step", () => {
  const names = ["www.example.com", "api.example.com", "*.example.com", "shop.example.com"];
  const ownership = names.flatMap((n) => ["cname-", "a-", "aaaa-"].map((p) => `${p}${n}`));
  const fixture = [
    cname("www.example.com", "a.example.net"),
    cname("api.example.com", "a.example.net"),
    cname("\\052.example.com", "a.example.net"),
    txt("cname-www.example.com", '"heritage=external-dns,external-dns/owner=old"'),
    cname("docs.example.com", "docs.example.net"),
  ];

  it("a small zone: every name and ownership record in one ListResourceRecordSets", async () => {
    const { host, zoneId, gw } = await setup({});
    host.putRecordSets(zoneId, fixture);
    const zone = await gw.resolveZone("example.com.");
    const sets = await gw.readNames(zone.id, [...names, ...ownership]);
    expect(host.counters.requests.ListResourceRecordSets).toBe(1);
    expect(sets.map((s) => `${s.Name} ${s.Type}`).sort()).toEqual(
      [
        "\\052.example.com. CNAME",
        "api.example.com. CNAME",
        "cname-www.example.com. TXT",
        "www.example.com. CNAME",
      ].sort(),
    );
  });

  it("a zone of more pages than names is read name by name", async () => {
    const { host, zoneId, gw } = await setup({});
    const filler = Array.from({ length: 700 }, (_, i) => cname(`host-${i}.example.com`, "f.example.net"));
    host.putRecordSets(zoneId, [...filler, ...fixture]);
    const zone = await gw.resolveZone("example.com.");
    const sets = await gw.readNames(zone.id, ["www.example.com", "api.example.com"]);
    expect(host.counters.requests.ListResourceRecordSets).toBe(2);
    expect(sets).toHaveLength(2);
  });

  it("reads the same record sets whichever way it reads (any names, any zone size)", async () => {
    const { host, zoneId, gw } = await setup(
      { limits: false },
      {},
      {
        account: { capacity: 10_000, refillPerSecond: 10_000 },
        perOperation: { capacity: 10_000, refillPerSecond: 10_000 },
      },
    );
    await gw.resolveZone(zoneId); // learns the zone's size, so both ways of reading are taken
    const pool = ["www", "api", "shop", "docs", "cname-www", "a-api", "x", "y-z"].map(
      (n) => `${n}.example.com`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(fc.constantFrom(...pool), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 0, max: 400 }),
        async (present, asked, filler) => {
          for (const r of host.recordSets(zoneId))
            if (r.Type === "CNAME" || r.Type === "TXT") host.removeRecordSets(zoneId, r.Name ?? "", r.Type);
          host.putRecordSets(zoneId, [
            ...present.map((n) => cname(n, "p.example.net")),
            ...Array.from({ length: filler }, (_, i) => cname(`f${i}.example.com`, "f.example.net")),
          ]);
          const together = await gw.readNames(zoneId, asked);
          const one: string[] = [];
          for (const n of asked) one.push(...(await gw.readName(zoneId, n)).map((s) => s.Name ?? ""));
          expect(together.map((s) => s.Name ?? "").sort()).toEqual(one.sort());
        },
      ),
      { numRuns: 15 },
    );
  });
});
