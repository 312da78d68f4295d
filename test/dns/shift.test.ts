import { afterEach, describe, expect, it } from "vitest";
import { drainSafeAt } from "../../src/migration/drain.js";
import {
  alias,
  at,
  closeWorlds,
  cname,
  envContext,
  NEW,
  OLD,
  recordSetsOf,
  SRC,
  startWorld,
  TGT,
  toTarget,
  txt,
  weighted,
  zoneBytes,
  zoneOf,
} from "./world.js";

afterEach(closeWorlds);

const twoNames = () => [cname("www.example.com", SRC), cname("api.example.com", `${SRC}.`, 120)];

describe("cnameSwap", () => {
  it("moves every name in one batch and restores the original bytes", async () => {
    const world = await startWorld(twoNames());
    const { host, zoneId, traffic } = world;
    const ctx = envContext();
    const before = await zoneBytes(host, zoneId);
    const snap = await traffic.snapshot(ctx);
    expect(zoneOf(snap)).toBe(zoneId);
    expect(recordSetsOf(snap)).toHaveLength(2);

    const report = await traffic.setWeight(ctx, snap, toTarget(100));
    expect(host.counters.changesAccepted).toBe(1);
    // Built from the snapshot's read, so guarded: the exact old sets DELETEd, the new ones CREATEd.
    expect(
      host
        .changeLog()[0]!
        .changes.map((c) => `${c.action} ${c.set.Name}`)
        .sort(),
    ).toEqual([
      "CREATE api.example.com.",
      "CREATE www.example.com.",
      "DELETE api.example.com.",
      "DELETE www.example.com.",
    ]);
    expect(at(host, zoneId, "www.example.com")).toEqual([cname("www.example.com.", TGT)]);
    // the trailing-dot spelling of the original value is kept
    expect(at(host, zoneId, "api.example.com")).toEqual([cname("api.example.com.", `${TGT}.`, 120)]);
    expect(report.maxTtlSeconds).toBe(300);
    expect(report.insyncAt).toBeGreaterThanOrEqual(report.submittedAt);
    expect(drainSafeAt(report, 60)).toBe(report.insyncAt + 360_000);
    expect(await zoneBytes(host, zoneId)).not.toBe(before);
    const moved = await traffic.pointing(ctx, [
      { name: OLD, hostname: SRC },
      { name: NEW, hostname: TGT },
    ]);
    expect(moved).toMatchObject({ cluster: NEW, targetWeight: 100 });

    await traffic.restore(ctx, snap);
    expect(await zoneBytes(host, zoneId)).toBe(before);
    const back = await traffic.pointing(ctx, [
      { name: OLD, hostname: SRC },
      { name: NEW, hostname: TGT },
    ]);
    expect({ ...back, read: undefined }).toEqual({
      read: undefined,
      cluster: OLD,
      targetWeight: 0,
      detail: [`www.example.com → ${OLD} (100%)`, `api.example.com → ${OLD} (100%)`],
    });
  });

  it("a repeated shift or restore sends no change", async () => {
    const world = await startWorld(twoNames());
    const { host, traffic } = world;
    const ctx = envContext();
    const snap = await traffic.snapshot(ctx);
    await traffic.setWeight(ctx, snap, toTarget(100));
    const again = await traffic.setWeight(ctx, snap, toTarget(100));
    expect(again.summary).toContain("already in place");
    await traffic.restore(ctx, snap);
    await traffic.restore(ctx, snap);
    expect(host.counters.changesAccepted).toBe(2);
  });
});

describe("weighted 10 → 50 → 100", () => {
  const steps = [10, 50, 100];

  for (let done = 1; done <= steps.length; done++) {
    it(`rolls back to the original bytes after step ${done}`, async () => {
      const world = await startWorld(twoNames());
      const { host, zoneId, traffic } = world;
      const ctx = envContext({ strategy: { type: "weighted" } });
      const before = await zoneBytes(host, zoneId);
      const snap = await traffic.snapshot(ctx);
      for (const w of steps.slice(0, done)) await traffic.setWeight(ctx, snap, toTarget(w));
      expect(host.counters.changesAccepted).toBe(done);
      for (const c of host.changeLog()) {
        expect(new Set(c.changes.map((x) => x.set.Name))).toEqual(
          new Set(["www.example.com.", "api.example.com."]),
        );
      }
      const w = steps[done - 1]!;
      const www = at(host, zoneId, "www.example.com");
      if (w < 100) {
        // Route 53 lists sets of one name and type by set identifier: the older cluster's name first
        expect(www).toEqual([
          weighted("www.example.com.", OLD, 100 - w, SRC),
          weighted("www.example.com.", NEW, w, TGT),
        ]);
      } else {
        expect(www).toEqual([cname("www.example.com.", TGT)]);
      }
      const p = await traffic.pointing(ctx, [
        { name: OLD, hostname: SRC },
        { name: NEW, hostname: TGT },
      ]);
      expect(p.targetWeight).toBe(w);
      expect(p.cluster).toBe(w === 100 ? NEW : undefined);

      const restored = await traffic.restore(ctx, snap);
      expect(restored.changeId).not.toBe("none");
      expect(await zoneBytes(host, zoneId)).toBe(before);
    });
  }

  it("the first step turns a simple CNAME into two weighted sets in one batch (DELETE + 2 CREATE)", async () => {
    const world = await startWorld([cname("www.example.com", SRC)]);
    const { host, traffic } = world;
    const ctx = envContext({ records: ["www.example.com"], strategy: { type: "weighted" } });
    await traffic.setWeight(ctx, await traffic.snapshot(ctx), toTarget(10));
    const [change] = host.changeLog();
    expect(change!.changes.map((c) => `${c.action} ${c.set.SetIdentifier ?? "-"}`)).toEqual([
      "DELETE -",
      `CREATE ${OLD}`,
      `CREATE ${NEW}`,
    ]);
  });

  it("existing weighted sets keep their identifiers; a target set is added and removed again", async () => {
    const sets = [
      weighted("www.example.com", "blue", 100, SRC, 60),
      weighted("www.example.com", "green", 0, "spare.example.net", 60),
    ];
    const world = await startWorld(sets);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: ["www.example.com"], strategy: { type: "weighted" } });
    const before = await zoneBytes(host, zoneId);
    const snap = await traffic.snapshot(ctx);
    await traffic.setWeight(ctx, snap, toTarget(50));
    expect(at(host, zoneId, "www.example.com").map((s) => `${s.SetIdentifier}=${s.Weight}`)).toEqual([
      "blue=50",
      "green=0",
      `${NEW}=50`,
    ]);
    // the spare set at weight 0 takes no share: the read-back sees 50/50
    expect(await traffic.verifyWeight(ctx, toTarget(50))).toEqual({ ok: true });
    await traffic.restore(ctx, snap);
    expect(await zoneBytes(host, zoneId)).toBe(before);
    expect(await traffic.verifyRestored(ctx, snap)).toEqual({ ok: true });
  });
});

describe("alias records to load balancers", () => {
  it("shifts A and AAAA aliases together, keeping the ELB zone, and restores them exactly", async () => {
    const world = await startWorld([
      alias("shop.example.com", "A", SRC),
      alias("shop.example.com", "AAAA", SRC),
    ]);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: ["shop.example.com"], strategy: { type: "weighted" } });
    const before = await zoneBytes(host, zoneId);
    const snap = await traffic.snapshot(ctx);
    expect(snap.ttlSeconds).toBe(60); // an alias is answered with 60 s
    const step1 = await traffic.setWeight(ctx, snap, toTarget(10));
    expect(step1.maxTtlSeconds).toBe(60);
    expect(await traffic.verifyWeight(ctx, toTarget(10))).toEqual({ ok: true });
    const a = at(host, zoneId, "shop.example.com").filter((s) => s.Type === "A");
    expect(
      a.map((s) => [s.SetIdentifier, s.Weight, s.AliasTarget?.DNSName, s.AliasTarget?.HostedZoneId]),
    ).toEqual([
      [OLD, 90, `dualstack.${SRC}.`, "Z215JYRZR1TBD5"],
      [NEW, 10, `dualstack.${TGT}.`, "Z215JYRZR1TBD5"],
    ]);
    await traffic.setWeight(ctx, snap, toTarget(100));
    expect(at(host, zoneId, "shop.example.com").map((s) => `${s.Type} ${s.AliasTarget?.DNSName}`)).toEqual([
      `A dualstack.${TGT}.`,
      `AAAA dualstack.${TGT}.`,
    ]);
    expect(await traffic.verifyWeight(ctx, toTarget(100))).toEqual({ ok: true });
    expect(await traffic.verifyTtl(ctx, 30)).toEqual({ ok: true }); // aliases have no TTL of their own
    await traffic.restore(ctx, snap);
    expect(await zoneBytes(host, zoneId)).toBe(before);
  });
});

describe("TTL first", () => {
  it("lowers TTLs keeping targets, keeps them low through the shift, and the snapshot restores them", async () => {
    const records = [
      cname("www.example.com", SRC, 3600),
      cname("api.example.com", SRC, 900),
      txt("www-txt.example.com", '"v=1"'),
    ];
    const world = await startWorld(records);
    const { host, zoneId, traffic } = world;
    const ctx = envContext({
      records: ["www.example.com", "api.example.com"],
      strategy: { type: "weighted" },
    });
    const before = await zoneBytes(host, zoneId);
    const snap = await traffic.snapshot(ctx);

    const lowered = await traffic.setTtl(ctx, 60);
    expect(lowered.maxTtlSeconds).toBe(3600);
    expect(at(host, zoneId, "www.example.com")).toEqual([cname("www.example.com.", SRC, 60)]);
    expect(at(host, zoneId, "api.example.com")).toEqual([cname("api.example.com.", SRC, 60)]);
    expect(at(host, zoneId, "www-txt.example.com")[0]!.TTL).toBe(300);
    const again = await traffic.setTtl(ctx, 60);
    expect(again.changeId).toBe("none");
    expect(host.counters.changesAccepted).toBe(1);

    const step = await traffic.setWeight(ctx, snap, toTarget(10));
    expect(step.maxTtlSeconds).toBe(60);
    expect(at(host, zoneId, "www.example.com").map((s) => s.TTL)).toEqual([60, 60]);

    await traffic.restore(ctx, snap);
    expect(await zoneBytes(host, zoneId)).toBe(before);
  });
});
