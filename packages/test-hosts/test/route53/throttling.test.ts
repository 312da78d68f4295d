import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { afterEach, describe, expect, it } from "vitest";
import {
  DOCUMENTED_LIMITS,
  type Route53Host,
  type Route53Limits,
  Route53Throttle,
  startRoute53Host,
} from "../../src/route53/index.js";
import { rejection, sdkClient } from "./client.js";

let host: Route53Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

/** A refill so slow that nothing comes back during a test: counts are exact however slow the machine. */
const NO_REFILL = 0.0001;

const rs = (name: string, value: string): ResourceRecordSet => ({
  Name: name,
  Type: "CNAME",
  TTL: 300,
  ResourceRecords: [{ Value: value }],
});

async function outcomes(calls: Array<() => Promise<unknown>>): Promise<{ ok: number; errors: Error[] }> {
  const settled = await Promise.allSettled(calls.map((c) => c()));
  const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
  return { ok: settled.length - errors.length, errors };
}

describe("Route 53 throttling (token buckets)", () => {
  it("uses the documented values by default: 50 burst and 10 per second, per account and per operation", () => {
    expect(DOCUMENTED_LIMITS.account).toEqual({ capacity: 50, refillPerSecond: 10 });
    expect(DOCUMENTED_LIMITS.perOperation).toEqual({ capacity: 50, refillPerSecond: 10 });
  });

  it("a burst beyond the account bucket gets Throttling / Rate exceeded, HTTP 400, in Route 53's XML", async () => {
    host = await startRoute53Host({ limits: { account: { capacity: 50, refillPerSecond: NO_REFILL } } });
    const h = host;
    const zoneId = h.createZone({ name: "example.com" });
    const sdk = sdkClient(h.endpoint);
    const { ok, errors } = await outcomes(
      Array.from({ length: 60 }, () => () => sdk.send(new GetHostedZoneCommand({ Id: zoneId }))),
    );
    expect(ok).toBe(50);
    expect(errors).toHaveLength(10);
    for (const err of errors) {
      expect(err.name).toBe("Throttling");
      expect(err.message).toBe("Rate exceeded");
      expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
    }
    const res = await fetch(`${h.endpoint}/2013-04-01/hostedzone/${zoneId}`, {
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIDTEST/test" },
    });
    const body = await res.text();
    expect(res.status).toBe(400);
    expect(body).toMatch(
      /^<\?xml version="1\.0"\?>\n<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    expect(h.counters.throttled).toBe(11);
    expect(h.counters.throttledBy).toEqual({ account: 11, operation: 0, changes: 0 });
  });

  it("each operation has its own bucket; the account bucket is shared by all", async () => {
    const limits: Partial<Route53Limits> = {
      account: { capacity: 8, refillPerSecond: NO_REFILL },
      operations: { GetHostedZone: { capacity: 3, refillPerSecond: NO_REFILL } },
    };
    host = await startRoute53Host({ limits });
    const zoneId = host.createZone({ name: "example.com" });
    const sdk = sdkClient(host.endpoint);
    for (let i = 0; i < 3; i++) await sdk.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect((await rejection(sdk.send(new GetHostedZoneCommand({ Id: zoneId })))).name).toBe("Throttling");
    expect(host.counters.throttledBy.operation).toBe(1);
    // Another operation still has tokens, until the account's run out (3 + 5 = 8).
    for (let i = 0; i < 5; i++) await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const err = await rejection(sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })));
    expect(err.name).toBe("Throttling");
    expect(host.counters.throttledBy).toEqual({ account: 1, operation: 1, changes: 0 });
  });

  it("record changes draw from their own bucket (an UPSERT weighs two); a throttled batch changes nothing", async () => {
    host = await startRoute53Host({ limits: { changes: { capacity: 4, refillPerSecond: NO_REFILL } } });
    const zoneId = host.createZone({ name: "example.com" });
    const sdk = sdkClient(host.endpoint);
    const batch = (
      ...changes: Array<{ Action: "UPSERT" | "CREATE"; ResourceRecordSet: ResourceRecordSet }>
    ) => new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } });
    await sdk.send(
      batch(
        { Action: "UPSERT", ResourceRecordSet: rs("a.example.com", "x.example.net") },
        { Action: "UPSERT", ResourceRecordSet: rs("b.example.com", "x.example.net") },
      ),
    );
    const err = await rejection(
      sdk.send(batch({ Action: "CREATE", ResourceRecordSet: rs("c.example.com", "x.example.net") })),
    );
    expect(err.name).toBe("Throttling");
    expect(err.message).toBe("Rate exceeded");
    expect(host.counters.throttledBy.changes).toBe(1);
    expect(host.counters.changesAccepted).toBe(1);
    expect(host.recordSets(zoneId).map((r) => r.Name)).not.toContain("c.example.com.");
  });

  it("limits: false turns throttling off", async () => {
    host = await startRoute53Host({ limits: false });
    const zoneId = host.createZone({ name: "example.com" });
    const sdk = sdkClient(host.endpoint);
    const { ok } = await outcomes(
      Array.from({ length: 120 }, () => () => sdk.send(new GetHostedZoneCommand({ Id: zoneId }))),
    );
    expect(ok).toBe(120);
    expect(host.counters.throttled).toBe(0);
  });

  it("throttle.configure sets new limits at run time, with full buckets", async () => {
    host = await startRoute53Host({ limits: false });
    const zoneId = host.createZone({ name: "example.com" });
    const sdk = sdkClient(host.endpoint);
    host.throttle.configure({ ...DOCUMENTED_LIMITS, account: { capacity: 2, refillPerSecond: NO_REFILL } });
    await sdk.send(new GetHostedZoneCommand({ Id: zoneId }));
    await sdk.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect((await rejection(sdk.send(new GetHostedZoneCommand({ Id: zoneId })))).name).toBe("Throttling");
    host.throttle.configure(undefined);
    await sdk.send(new GetHostedZoneCommand({ Id: zoneId }));
  });

  it("PriorRequestNotComplete is per hosted zone: a pending change in one zone does not block another", async () => {
    host = await startRoute53Host({ insyncDelayMs: 60_000, priorRequestMode: true });
    const a = host.createZone({ name: "a.example" });
    const b = host.createZone({ name: "b.example" });
    const sdk = sdkClient(host.endpoint);
    const upsert = (zone: string, name: string) =>
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: rs(name, "x.example.net") }] },
      });
    const first = await sdk.send(upsert(a, "www.a.example"));
    const err = await rejection(sdk.send(upsert(a, "api.a.example")));
    expect(err.name).toBe("PriorRequestNotComplete");
    expect(err.$metadata?.httpStatusCode).toBe(400);
    await sdk.send(upsert(b, "www.b.example"));
    expect(host.counters.priorRequestNotComplete).toBe(1);
    const change = await sdk.send(new GetChangeCommand({ Id: first.ChangeInfo?.Id }));
    expect(change.ChangeInfo?.Status).toBe("PENDING");
  });
});

describe("Route53Throttle buckets over time (a clock the test moves)", () => {
  const make = (limits: Partial<Route53Limits> = {}) => {
    let now = 0;
    const t = new Route53Throttle({ ...DOCUMENTED_LIMITS, ...limits }, () => now);
    return { t, advance: (ms: number) => (now += ms) };
  };

  it("refills 10 tokens per second up to 50; a refused request takes nothing", () => {
    const { t, advance } = make();
    for (let i = 0; i < 50; i++) expect(t.admitRequest("ListResourceRecordSets")).toBeUndefined();
    expect(t.admitRequest("GetChange")).toBe("account");
    expect(t.admitRequest("GetChange")).toBe("account");
    advance(100);
    expect(t.admitRequest("GetChange")).toBeUndefined();
    expect(t.admitRequest("GetChange")).toBe("account");
    advance(60_000);
    let admitted = 0;
    for (let i = 0; i < 80; i++)
      if (t.admitRequest(i % 2 ? "GetChange" : "GetHostedZone") === undefined) admitted++;
    expect(admitted).toBe(50);
  });

  it("sustains 10 requests per second indefinitely once the burst is spent", () => {
    const { t, advance } = make();
    for (let i = 0; i < 50; i++) t.admitRequest("ListResourceRecordSets");
    let admitted = 0;
    for (let step = 0; step < 1000; step++) {
      advance(10); // 10 s in all, probed every 10 ms
      if (t.admitRequest("ListResourceRecordSets") === undefined) admitted++;
    }
    expect(admitted).toBe(100);
  });
});
