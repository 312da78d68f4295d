// The start command's DNS read (`pointing`) carried to preflight through the migration's stored data:
// preflight in another process (a port with caches of its own) finds the same hazards without a request
// of its own while the read is recent, and reads afresh when the read is old, not Route 53's, malformed,
// or for another zone or other names. A zone gone since it was looked up still gives its finding.

import { afterEach, describe, expect, it } from "vitest";
import { PermanentDnsError } from "../../src/dns/index.js";
import type { DnsRead } from "../../src/migration/ports.js";
import {
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
  txt,
  zoneBytes,
} from "./world.js";

afterEach(closeWorlds);

const names = ["www.example.com", "api.example.com"];
const clusters = [
  { name: OLD, hostname: SRC },
  { name: NEW, hostname: TGT },
];
const OWNED = txt(
  "cname-api.example.com",
  '"heritage=external-dns,external-dns/owner=old,external-dns/resource=x"',
);

async function started() {
  const world = await startWorld([cname("www.example.com", SRC), cname("api.example.com", SRC, 120), OWNED]);
  const ctx = envContext({ records: names, strategy: { type: "weighted" }, targetHostname: TGT });
  const pointing = await world.traffic.pointing(ctx, clusters);
  expect(pointing.cluster).toBe(OLD);
  if (!pointing.read) throw new Error("pointing returned no read");
  // Stored with the migration as JSON (Redis), and read back by the worker.
  const read = JSON.parse(JSON.stringify(pointing.read)) as DnsRead;
  return { w: world, ctx, read };
}

describe("the start command's read, reused by preflight", () => {
  it("preflight in another process uses it (no request), finds what a fresh read finds, and the migration costs one change and one read-back per change", async () => {
    const { w, ctx, read } = await started();
    const before = await zoneBytes(w.host, w.zoneId);
    const worker = w.newPort();
    w.host.resetCounters();
    const findings = await worker.preflight(ctx, TGT, read);
    expect(nonPollRequests(w.host)).toEqual({});
    expect(findings.map((f) => f.code)).toEqual(["dns-external-dns-owner"]);
    expect(await w.newPort().preflight(ctx, TGT)).toEqual(findings); // a fresh read: the same hazards

    w.host.resetCounters();
    const original = await worker.snapshot(ctx); // the stored read, seconds old
    await worker.setTtl(ctx, 60); // built from it (guarded), the zone known from it
    expect(await worker.verifyTtl(ctx, 60)).toEqual({ ok: true });
    const preShift = await worker.snapshot(ctx);
    for (const weight of [10, 50, 100]) {
      await worker.setWeight(ctx, preShift, toTarget(weight));
      expect(await worker.verifyWeight(ctx, toTarget(weight))).toEqual({ ok: true });
    }
    await worker.setTtl(ctx, 300);
    expect(await worker.verifyTtl(ctx, 300)).toEqual({ ok: true });
    expect(w.host.counters.changesEffective).toBe(5);
    expect(nonPollRequests(w.host)).toEqual({ ListResourceRecordSets: 5, ChangeResourceRecordSets: 5 });

    await worker.restore(ctx, original);
    expect(await zoneBytes(w.host, w.zoneId)).toBe(before);
  });

  it("a change made after the read is still caught: the first change, built from it, is refused and planned again", async () => {
    const { w, ctx, read } = await started();
    const worker = w.newPort();
    await worker.preflight(ctx, TGT, read);
    w.host.putRecordSets(w.zoneId, [cname("api.example.com", SRC, 30)]); // behind hikkoshi's back
    w.host.resetCounters();
    await worker.setTtl(ctx, 60);
    expect(w.host.counters.changesRejected).toBe(1);
    expect(w.host.counters.changesAccepted).toBe(1);
    expect(await worker.verifyTtl(ctx, 60)).toEqual({ ok: true });
  });

  const unusable: Array<[string, (r: DnsRead) => DnsRead, { hostedZone?: string; records?: string[] }?]> = [
    ["older than 30 s", (r) => ({ ...r, takenAt: r.takenAt - 31_000 })],
    ["from the future (clocks apart by more than 5 s)", (r) => ({ ...r, takenAt: r.takenAt + 60_000 })],
    ["taken by another provider", (r) => ({ ...r, provider: "cloudflare" })],
    ["malformed", (r) => ({ ...r, state: { zone: "nope" } })],
    ["for other names", (r) => r, { records: ["www.example.com"] }],
  ];
  for (const [what, spoil, env] of unusable) {
    it(`a read ${what} is not used: preflight reads afresh`, async () => {
      const { w, read } = await started();
      const ctx = envContext({ records: names, strategy: { type: "weighted" }, targetHostname: TGT, ...env });
      const worker = w.newPort();
      w.host.resetCounters();
      const findings = await worker.preflight(ctx, TGT, spoil(read));
      expect(w.host.counters.requests.ListHostedZonesByName).toBe(1);
      expect(w.host.counters.requests.ListResourceRecordSets).toBe(1);
      expect(findings.map((f) => f.code)).toEqual(
        ctx.env.dns.records.length === 2 ? ["dns-external-dns-owner"] : [],
      );
    });
  }

  it("a read for another zone setting is not used, and a zone of that name that does not exist is found", async () => {
    const { w, read } = await started();
    const ctx = envContext({ records: names, hostedZone: "example.org.", targetHostname: TGT });
    const findings = await w.newPort().preflight(ctx, TGT, read);
    expect(findings.map((f) => f.code)).toEqual(["dns-zone-not-found"]);
  });

  it("a zone deleted after this process looked it up gives dns-zone-not-found, and pointing names the fix", async () => {
    const { w, ctx } = await started();
    w.host.store.zones.delete(w.zoneId);
    const findings = await w.traffic.preflight(ctx, TGT);
    expect(findings.map((f) => f.code)).toEqual(["dns-zone-not-found"]);
    const err = await w.traffic.pointing(ctx, clusters).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDnsError);
    expect((err as PermanentDnsError).fix).toMatch(/dns\.hostedZone/);
  });
});
