// What one effective DNS change costs on the Route 53 test host: the change itself and the step verify's
// read-back, which the next change is built from (no pre-read, no second read-back). GetChange polls
// are counted apart: their number is set by how long Route 53 takes to reach INSYNC.

import { afterEach, describe, expect, it } from "vitest";
import {
  at,
  closeWorlds,
  cname,
  envContext,
  NEW,
  nonPollRequests,
  OLD,
  SRC,
  startWorld,
  TGT,
  toTarget,
  zoneBytes,
} from "./world.js";

afterEach(closeWorlds);

const names = ["www.example.com", "api.example.com"];

describe("Route 53 requests per effective change", () => {
  it("a migration's changes cost one ChangeResourceRecordSets and one read-back each", async () => {
    const world = await startWorld([cname("www.example.com", SRC), cname("api.example.com", SRC, 120)]);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: names, strategy: { type: "weighted" } });
    const before = await zoneBytes(host, zoneId);
    expect(await traffic.preflight(ctx, undefined)).toBeDefined();
    host.resetCounters();

    const original = await traffic.snapshot(ctx); // preflight's read, a moment ago
    expect(nonPollRequests(host)).toEqual({});
    await traffic.setTtl(ctx, 60);
    expect(await traffic.verifyTtl(ctx, 60)).toEqual({ ok: true });
    const preShift = await traffic.snapshot(ctx); // the verify's read
    for (const weight of [10, 50, 100]) {
      await traffic.setWeight(ctx, preShift, toTarget(weight));
      expect(await traffic.verifyWeight(ctx, toTarget(weight))).toEqual({ ok: true });
    }
    await traffic.setTtl(ctx, 300);
    expect(await traffic.verifyTtl(ctx, 300)).toEqual({ ok: true });
    expect(host.counters.changesEffective).toBe(5);
    expect(nonPollRequests(host)).toEqual({ ListResourceRecordSets: 5, ChangeResourceRecordSets: 5 });

    // Exact rollback: the first snapshot's bytes, read back inside the restore.
    host.resetCounters();
    await traffic.restore(ctx, original);
    expect(await traffic.verifyRestored(ctx, original)).toEqual({ ok: true });
    expect(await zoneBytes(host, zoneId)).toBe(before);
  });

  it("a change built from an old read that Route 53 refuses is planned again from one fresh read", async () => {
    const world = await startWorld([cname("www.example.com", SRC), cname("api.example.com", SRC)]);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: names, strategy: { type: "weighted" } });
    const snap = await traffic.snapshot(ctx);
    host.faults.beforeNextChange((store) => store.putRecordSets(zoneId, [cname("api.example.com", SRC, 30)]));
    host.resetCounters();
    await traffic.setWeight(ctx, snap, toTarget(100));
    expect(host.counters.changesRejected).toBe(1);
    expect(host.counters.changesAccepted).toBe(1);
    expect(nonPollRequests(host)).toEqual({ ListResourceRecordSets: 1, ChangeResourceRecordSets: 2 });
    expect(await traffic.verifyWeight(ctx, toTarget(100))).toEqual({ ok: true });
    expect(at(host, zoneId, "www.example.com")).toHaveLength(1);
  });

  it("a zone given by id is not looked up: the first read names it and finds it small", async () => {
    const world = await startWorld([cname("www.example.com", SRC), cname("api.example.com", SRC)]);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: names, hostedZone: zoneId, strategy: { type: "weighted" } });
    host.resetCounters();
    const pointing = await traffic.pointing(ctx, [
      { name: OLD, hostname: SRC },
      { name: NEW, hostname: TGT },
    ]);
    expect(pointing.cluster).toBe(OLD);
    expect(host.counters.requests).toMatchObject({ GetHostedZone: 0, ListResourceRecordSets: 1 });
    host.removeRecordSets(zoneId, "api.example.com");
    const [missing] = await world.newPort().preflight(ctx, undefined);
    expect(missing?.message).toContain(`in zone example.com. (${zoneId})`);
    // The start command's read, seconds old, stands for a read (a change since fails the guarded first change).
    expect(await traffic.preflight(ctx, undefined, pointing.read)).toEqual([]);
  });

  it("a large zone given by id costs one page more, once, then is read name by name", async () => {
    const filler = Array.from({ length: 400 }, (_, i) =>
      cname(`host${i}.example.com`, "elsewhere.example.net"),
    );
    const world = await startWorld([...filler, cname("www.example.com", SRC), cname("api.example.com", SRC)]);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: names, hostedZone: zoneId });
    host.resetCounters();
    expect(await traffic.preflight(ctx, undefined)).toEqual([]);
    // one page of the zone, then the two names and their six ownership names, one range read each
    expect(host.counters.requests.ListResourceRecordSets).toBe(1 + 8);
    host.resetCounters();
    expect(await traffic.preflight(ctx, undefined)).toEqual([]);
    expect(host.counters.requests.ListResourceRecordSets).toBe(8);
  });
});
