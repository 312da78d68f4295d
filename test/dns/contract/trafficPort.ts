// The TrafficPort contract, written once against the port alone: every DNS provider under src/dns/ runs
// it with a factory for its own world (route53.contract.test.ts). Nothing here knows a record shape.

import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { DnsSnapshot, EnvContext, TrafficPort, TrafficSplit } from "../../../src/migration/ports.js";

export interface ClusterEnd {
  name: string;
  hostname: string;
}

/** A provider's world: names that point at `source` with TTL `ttlSeconds`, and the port over them. */
export interface TrafficWorld {
  port: TrafficPort;
  /** The environment: its DNS names, `source` and `target` clusters, and the given strategy. */
  ctx(strategy: "cnameSwap" | "weighted"): EnvContext;
  names: string[];
  source: ClusterEnd;
  target: ClusterEnd;
  ttlSeconds: number;
  /** Points `name` straight at `hostname` the way someone else's change would (not through the port). */
  repoint(name: string, hostname: string): Promise<void>;
  /** Changes the provider accepted so far. */
  changes(): number;
  close(): Promise<void>;
}

export type TrafficWorldFactory = () => Promise<TrafficWorld>;

/** A snapshot as the domain keeps it: written to Redis as JSON and read back. */
const stored = (s: DnsSnapshot): DnsSnapshot => JSON.parse(JSON.stringify(s)) as DnsSnapshot;

function permanent(err: unknown): { permanent: boolean; fix: string } {
  const e = err as { permanent?: unknown; fix?: unknown };
  return { permanent: e?.permanent === true, fix: typeof e?.fix === "string" ? e.fix : "" };
}

export function describeTrafficPortContract(provider: string, start: TrafficWorldFactory): void {
  describe(`TrafficPort contract: ${provider}`, () => {
    let world: TrafficWorld | undefined;
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });
    const open = async () => {
      world = await start();
      const w = world;
      const split = (weight: number): TrafficSplit => ({
        sourceHostname: w.source.hostname,
        targetHostname: w.target.hostname,
        weight,
      });
      const pointing = (ctx: EnvContext) => w.port.pointing(ctx, [w.source, w.target]);
      return { w, split, pointing };
    };

    it("a snapshot is plain JSON that says who took it and how long answers are cached", async () => {
      const { w, pointing } = await open();
      const ctx = w.ctx("cnameSwap");
      const snap = await w.port.snapshot(ctx);
      expect(stored(snap)).toEqual(snap);
      expect(snap.provider).toBe(provider);
      expect(snap.ttlSeconds).toBe(w.ttlSeconds);
      expect(await pointing(ctx)).toMatchObject({ cluster: w.source.name, targetWeight: 0 });
    });

    it("pointing's read is plain JSON of the provider's, and preflight given it finds what a fresh read finds", async () => {
      const { w, pointing } = await open();
      const ctx = w.ctx("weighted");
      const read = (await pointing(ctx)).read;
      if (read) {
        const kept = JSON.parse(JSON.stringify(read)) as typeof read;
        expect(kept).toEqual(read);
        expect(read.provider).toBe(provider);
        expect(await w.port.preflight(ctx, w.target.hostname, kept)).toEqual(
          await w.port.preflight(ctx, w.target.hostname),
        );
      }
      // Someone else's read (or none) is no read: preflight reads for itself.
      const foreign = { takenAt: Date.now(), provider: "another-provider", state: { zone: "x" } };
      await w.repoint(w.names[0]!, "elsewhere.example.net");
      const fresh = await w.port.preflight(ctx, w.target.hostname, foreign);
      expect(fresh.some((f) => f.severity === "blocking")).toBe(true);
    });

    it("cnameSwap: weight 100 moves every name, the read-back agrees, restore brings back the snapshot", async () => {
      const { w, split, pointing } = await open();
      const ctx = w.ctx("cnameSwap");
      const snap = stored(await w.port.snapshot(ctx));
      const report = await w.port.setWeight(ctx, snap, split(100));
      expect(report.insyncAt).toBeGreaterThanOrEqual(report.submittedAt);
      expect(report.maxTtlSeconds).toBe(w.ttlSeconds);
      expect(await w.port.verifyWeight(ctx, split(100))).toEqual({ ok: true });
      expect(await pointing(ctx)).toMatchObject({ cluster: w.target.name, targetWeight: 100 });
      const wrong = await w.port.verifyWeight(ctx, split(0));
      expect(wrong.ok).toBe(false);

      await w.port.restore(ctx, snap);
      expect(await w.port.verifyRestored(ctx, snap)).toEqual({ ok: true });
      expect(await pointing(ctx)).toMatchObject({ cluster: w.source.name, targetWeight: 0 });
      expect((await w.port.verifyWeight(ctx, split(100))).ok).toBe(false);
    });

    it("weighted 10 → 50 → 100: each weight is read back; restore after the last returns the snapshot", async () => {
      const { w, split, pointing } = await open();
      const ctx = w.ctx("weighted");
      const snap = stored(await w.port.snapshot(ctx));
      for (const weight of [10, 50, 100]) {
        await w.port.setWeight(ctx, snap, split(weight));
        expect(await w.port.verifyWeight(ctx, split(weight)), `at ${weight}%`).toEqual({ ok: true });
        expect((await pointing(ctx)).targetWeight).toBe(weight);
        expect((await w.port.verifyRestored(ctx, snap)).ok).toBe(false);
      }
      await w.port.restore(ctx, snap);
      expect(await w.port.verifyRestored(ctx, snap)).toEqual({ ok: true });
    });

    it("a repeated change or restore changes nothing", async () => {
      const { w, split } = await open();
      const ctx = w.ctx("weighted");
      const snap = stored(await w.port.snapshot(ctx));
      await w.port.setWeight(ctx, snap, split(10));
      const once = w.changes();
      await w.port.setWeight(ctx, snap, split(10));
      expect(w.changes()).toBe(once);
      await w.port.restore(ctx, snap);
      await w.port.restore(ctx, snap);
      expect(w.changes()).toBe(once + 1);
    });

    it("TTL: set and read back, kept through a shift, and the snapshot puts the original back", async () => {
      const { w, split } = await open();
      const ctx = w.ctx("weighted");
      const snap = stored(await w.port.snapshot(ctx));
      const lowered = await w.port.setTtl(ctx, 30);
      expect(lowered.maxTtlSeconds).toBe(w.ttlSeconds);
      expect(await w.port.verifyTtl(ctx, 30)).toEqual({ ok: true });
      expect((await w.port.verifyTtl(ctx, w.ttlSeconds)).ok).toBe(false);
      expect((await w.port.snapshot(ctx)).ttlSeconds).toBe(30);
      const shifted = await w.port.setWeight(ctx, snap, split(50));
      expect(shifted.maxTtlSeconds).toBe(30);
      expect(await w.port.verifyTtl(ctx, 30)).toEqual({ ok: true });
      await w.port.restore(ctx, snap);
      expect(await w.port.verifyTtl(ctx, w.ttlSeconds)).toEqual({ ok: true });
    });

    it("a change someone else made is caught by the read-back, which names the record", async () => {
      const { w, split } = await open();
      const ctx = w.ctx("cnameSwap");
      const snap = stored(await w.port.snapshot(ctx));
      await w.port.setWeight(ctx, snap, split(100));
      const [first] = w.names;
      await w.repoint(first!, w.source.hostname); // e.g. the old cluster's external-dns writing it back
      const check = await w.port.verifyWeight(ctx, split(100));
      expect(check.ok).toBe(false);
      expect(check.ok ? "" : check.reason).toContain(first!.replace(/\.$/, ""));
      expect((await w.port.verifyRestored(ctx, snap)).ok).toBe(false);
    });

    it("refuses weights that are not whole percentages, changing nothing", async () => {
      const { w, split } = await open();
      const ctx = w.ctx("weighted");
      const snap = stored(await w.port.snapshot(ctx));
      for (const weight of [101, -1, 12.5]) {
        const err = await w.port.setWeight(ctx, snap, split(weight)).catch((e: unknown) => e);
        expect(permanent(err).permanent, `weight ${weight}`).toBe(true);
        expect(permanent(err).fix).not.toBe("");
      }
      expect(w.changes()).toBe(0);
    });

    it("refuses a snapshot it did not take or cannot read, with the fix, changing nothing", async () => {
      const { w, split } = await open();
      const ctx = w.ctx("cnameSwap");
      const real = await w.port.snapshot(ctx);
      const hostile = fc.record({
        takenAt: fc.integer(),
        provider: fc.oneof(fc.string(), fc.constant(provider)),
        ttlSeconds: fc.integer(),
        state: fc.oneof(
          fc.anything(),
          fc.constant(null),
          fc.constant({ ...(real.state as object), recordSets: [{}] }),
        ),
      });
      await fc.assert(
        fc.asyncProperty(hostile, async (snap) => {
          for (const use of [
            () => w.port.restore(ctx, snap),
            () => w.port.setWeight(ctx, snap, split(100)),
            () => w.port.verifyRestored(ctx, snap),
          ]) {
            const err = await use().then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(permanent(err).permanent).toBe(true);
            expect(permanent(err).fix).not.toBe("");
          }
        }),
        { numRuns: 40 },
      );
      expect(w.changes()).toBe(0);
    });
  });
}
