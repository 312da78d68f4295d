import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterEach, describe, expect, it } from "vitest";
import { DnsUnavailableError, PermanentDnsError } from "../../src/dns/index.js";
import { isPermanent } from "../../src/migration/errors.js";
import {
  at,
  closeWorlds,
  cname,
  envContext,
  FAST,
  NEW,
  OLD,
  SRC,
  startWorld,
  TGT,
  toTarget,
  zoneBytes,
} from "./world.js";

afterEach(closeWorlds);

const three = () => [
  cname("www.example.com", SRC),
  cname("api.example.com", SRC),
  cname("shop.example.com", SRC),
];
const threeNames = ["www.example.com", "api.example.com", "shop.example.com"];

describe("one batch for all names, all or nothing", () => {
  it("a concurrent edit of one name makes Route 53 reject the whole batch; no name changes", async () => {
    const world = await startWorld(three());
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames, strategy: { type: "weighted" } });
    const snap = await traffic.snapshot(ctx);
    // someone edits shop.example.com between hikkoshi's read and its change: the DELETE no longer matches.
    // The first batch is built from the snapshot's read, so its refusal is answered with a fresh read;
    // the second edit lands between that read and the re-planned batch.
    host.faults.beforeNextChange((store) => {
      store.putRecordSets(zoneId, [cname("shop.example.com", SRC, 30)]);
      host.faults.beforeNextChange((again) =>
        again.putRecordSets(zoneId, [cname("shop.example.com", SRC, 20)]),
      );
    });
    const err = await traffic.setWeight(ctx, snap, toTarget(10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDnsError);
    const e = err as PermanentDnsError;
    expect(e.code).toBe("InvalidChangeBatch");
    expect(e.message).toContain(
      "Tried to delete resource record set [name='shop.example.com.', type='CNAME'] but the values provided do not match the current values",
    );
    expect(e.fix).toContain("nothing was changed");
    expect(isPermanent(e)).toBe(true);
    expect(host.counters.changesRejected).toBe(2);
    expect(host.counters.changesAccepted).toBe(0);
    expect(at(host, zoneId, "www.example.com")).toEqual([cname("www.example.com.", SRC)]);
    expect(at(host, zoneId, "api.example.com")).toEqual([cname("api.example.com.", SRC)]);
    expect(at(host, zoneId, "shop.example.com")).toEqual([cname("shop.example.com.", SRC, 20)]);
  });

  it("the same three names shift together when nothing interferes", async () => {
    const world = await startWorld(three());
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames, strategy: { type: "weighted" } });
    await traffic.setWeight(ctx, await traffic.snapshot(ctx), toTarget(10));
    expect(host.counters.changesAccepted).toBe(1);
    for (const n of threeNames) expect(at(host, zoneId, n).map((s) => s.SetIdentifier)).toEqual([OLD, NEW]);
  });
});

describe("throttling and lost answers", () => {
  it("survives a throttling burst with exactly one effective change, and a retried shift sends none", async () => {
    const world = await startWorld(three());
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames });
    const snap = await traffic.snapshot(ctx);
    host.faults.throttleNext(6);
    await traffic.setWeight(ctx, snap, toTarget(100));
    expect(host.counters.throttled).toBe(6);
    expect(host.counters.changesEffective).toBe(1);
    expect(host.counters.changesAccepted).toBe(1);
    host.faults.throttleNext(3, ["ChangeResourceRecordSets"]);
    const retried = await traffic.setWeight(ctx, snap, toTarget(100));
    expect(retried.summary).toContain("already in place");
    expect(host.counters.changesAccepted).toBe(1);
    expect(at(host, zoneId, "shop.example.com")).toEqual([cname("shop.example.com.", TGT)]);
  });

  it("throttled change calls are resent (they were not applied); only one is accepted", async () => {
    const world = await startWorld(three());
    const { host, traffic } = world;
    const ctx = envContext({ records: threeNames, strategy: { type: "weighted" } });
    const snap = await traffic.snapshot(ctx);
    host.faults.throttleNext(4, ["ChangeResourceRecordSets"]);
    await traffic.setWeight(ctx, snap, toTarget(10));
    expect(host.counters.requests.ChangeResourceRecordSets).toBe(5);
    expect(host.counters.changesAccepted).toBe(1);
    expect(host.counters.changesRejected).toBe(0);
  });

  it("a change applied whose answer was lost is not sent twice (re-read, already in place)", async () => {
    const world = await startWorld(three());
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames, strategy: { type: "weighted" } });
    const snap = await traffic.snapshot(ctx);
    host.faults.resetAfterCommit(1);
    const report = await traffic.setWeight(ctx, snap, toTarget(10));
    expect(report.summary).toContain("already in place");
    expect(host.counters.changesAccepted).toBe(1);
    expect(host.counters.changesRejected).toBe(0);
    expect(at(host, zoneId, "www.example.com").map((s) => s.Weight)).toEqual([90, 10]);
  });

  it("gives up with a plain (retryable) error when throttling outlasts the attempts", async () => {
    const world = await startWorld(three(), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, requestsPerSecond: 2000 },
    });
    const { host, traffic } = world;
    host.faults.throttleNext(100);
    const err = await traffic.snapshot(envContext({ records: threeNames })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentDnsError);
    expect(isPermanent(err)).toBe(false);
    expect(err).toBeInstanceOf(DnsUnavailableError);
    expect((err as Error).message).toMatch(
      /Route 53 is throttling this account's requests \(Throttling: Rate exceeded\): ListHostedZonesByName was refused 3 times in a row$/,
    );
    expect((err as DnsUnavailableError).fix).toMatch(/^try again in a minute/);
    expect(host.counters.throttled).toBe(3);
  });
});

describe("serialised writes and PriorRequestNotComplete", () => {
  it("waits out another tool's pending change, then applies", async () => {
    const world = await startWorld(
      three(),
      { retry: { ...FAST.retry, maxDelayMs: 60, maxAttempts: 40 } },
      500,
    );
    const { host, zoneId, traffic } = world;
    host.faults.priorRequestMode = true;
    const ctx = envContext({ records: threeNames });
    const snap = await traffic.snapshot(ctx);
    const other = new Route53Client({
      endpoint: host.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDOTHER", secretAccessKey: "x" },
    });
    await other.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [{ Action: "UPSERT", ResourceRecordSet: cname("other.example.com", "x.example.net") }],
        },
      }),
    );
    await traffic.setWeight(ctx, snap, toTarget(100));
    expect(host.counters.priorRequestNotComplete).toBeGreaterThan(0);
    expect(host.counters.changesAccepted).toBe(2);
    expect(at(host, zoneId, "www.example.com")).toEqual([cname("www.example.com.", TGT)]);
  });

  it("two operations on one zone from this process never overlap", async () => {
    const world = await startWorld(three(), {}, 40);
    const { host, zoneId, traffic } = world;
    host.faults.priorRequestMode = true;
    const ctx = envContext({ records: threeNames, strategy: { type: "weighted" } });
    const snap = await traffic.snapshot(ctx);
    await Promise.all([traffic.setTtl(ctx, 60), traffic.setWeight(ctx, snap, toTarget(10))]);
    expect(host.counters.priorRequestNotComplete).toBe(0);
    expect(host.counters.changesAccepted).toBe(2);
    expect(at(host, zoneId, "api.example.com").map((s) => [s.Weight, s.TTL])).toEqual([
      [90, 60],
      [10, 60],
    ]);
  });
});

describe("permanent refusals", () => {
  it("AccessDenied fails with Route 53's message and the IAM fix", async () => {
    const world = await startWorld(three());
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames });
    const snap = await traffic.snapshot(ctx);
    host.faults.denyZone(zoneId, ["ChangeResourceRecordSets"]);
    const err = (await traffic
      .setWeight(ctx, snap, toTarget(100))
      .catch((e: unknown) => e)) as PermanentDnsError;
    expect(err).toBeInstanceOf(PermanentDnsError);
    expect(err.code).toBe("AccessDenied");
    expect(err.message).toContain("is not authorized to perform: route53:ChangeResourceRecordSets");
    expect(err.fix).toBe(
      `allow route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/${zoneId} for the role hikkoshi runs as (see deploy/iam-policy.json)`,
    );
    expect(host.counters.accessDenied).toBe(1);
  });

  it("a change that stays PENDING past the timeout is an ordinary error; the retry waits for it without resending", async () => {
    const world = await startWorld(three(), {}, 800);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: threeNames });
    ctx.env.dns.changeTimeoutSeconds = 0.1;
    const snap = await traffic.snapshot(ctx);
    const err = await traffic.setWeight(ctx, snap, toTarget(100)).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentDnsError);
    expect((err as Error).message).toMatch(/still PENDING after/);
    ctx.env.dns.changeTimeoutSeconds = 5;
    const first = host.changeLog()[0]!;
    const report = await traffic.setWeight(ctx, snap, toTarget(100));
    expect(report.changeId).toBe(`/change/${first.id}`);
    expect(report.insyncAt).toBeGreaterThanOrEqual(first.insyncAt);
    expect(host.counters.changesAccepted).toBe(1);
    expect(await zoneBytes(host, zoneId)).toContain(TGT);
  });
});
