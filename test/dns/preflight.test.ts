import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { afterEach, describe, expect, it } from "vitest";
import type { EnvContext } from "../../src/migration/ports.js";
import type { Finding } from "../../src/migration/types.js";
import {
  alias,
  closeWorlds,
  cname,
  type EnvOptions,
  envContext,
  OLD,
  SRC,
  startWorld,
  TGT,
  txt,
  type World,
  weighted,
} from "./world.js";

afterEach(closeWorlds);

const clean = (): ResourceRecordSet[] => [
  cname("www.example.com", SRC),
  cname("api.example.com", `${SRC}.`),
  alias("shop.example.com", "A", SRC),
  txt("www.example.com.example.net", '"v=spf1 -all"'),
];
const names = ["www.example.com", "api.example.com", "shop.example.com"];
const NLB = "net-lb-9.elb.eu-central-1.amazonaws.com";

interface Case {
  code: string;
  severity: Finding["severity"];
  /** Changes the clean world so that it has the hazard; returns the options preflight runs with. */
  hazard(w: World): EnvOptions;
  targetHostname?: string;
}

const cases: Case[] = [
  { code: "dns-zone-not-found", severity: "blocking", hazard: () => ({ hostedZone: "nothere.example." }) },
  { code: "dns-zone-not-found", severity: "blocking", hazard: () => ({ hostedZone: "ZNOSUCHZONE0000" }) },
  {
    code: "dns-zone-not-found",
    severity: "blocking",
    hazard: (w) => {
      w.host.createZone({ name: "example.com.", privateZone: true });
      return {};
    },
  },
  {
    code: "dns-record-missing",
    severity: "blocking",
    hazard: (w) => {
      w.host.removeRecordSets(w.zoneId, "api.example.com");
      return {};
    },
  },
  {
    code: "dns-points-at-ip",
    severity: "blocking",
    hazard: (w) => {
      w.host.removeRecordSets(w.zoneId, "api.example.com");
      w.host.putRecordSets(w.zoneId, [
        { Name: "api.example.com", Type: "A", TTL: 300, ResourceRecords: [{ Value: "203.0.113.10" }] },
      ]);
      return {};
    },
  },
  {
    code: "dns-not-on-source",
    severity: "blocking",
    hazard: (w) => {
      w.host.putRecordSets(w.zoneId, [cname("api.example.com", "lb.some-other-provider.example.net")]);
      return {};
    },
  },
  {
    code: "dns-not-on-source",
    severity: "blocking",
    hazard: (w) => {
      w.host.putRecordSets(w.zoneId, [cname("www.example.com", TGT)]);
      return {};
    },
    targetHostname: TGT,
  },
  {
    code: "dns-ttl-long",
    severity: "warning",
    hazard: (w) => {
      w.host.putRecordSets(w.zoneId, [cname("www.example.com", SRC, 86400)]);
      return {};
    },
  },
  {
    code: "dns-external-dns-owner",
    severity: "warning",
    hazard: (w) => {
      w.host.putRecordSets(w.zoneId, [
        txt("cname-www.example.com", '"heritage=external-dns,external-dns/owner=prod-old"'),
      ]);
      return {};
    },
  },
  {
    code: "dns-external-dns-owner",
    severity: "warning",
    hazard: (w) => {
      w.host.putRecordSets(w.zoneId, [
        txt("a-shop.example.com", '"heritage=external-dns,external-dns/owner=default"'),
      ]);
      return {};
    },
  },
  {
    code: "dns-weights-all-zero",
    severity: "blocking",
    hazard: (w) => {
      w.host.removeRecordSets(w.zoneId, "www.example.com");
      w.host.putRecordSets(w.zoneId, [weighted("www.example.com", OLD, 0, SRC)]);
      return { strategy: { type: "weighted" } };
    },
  },
  {
    code: "dns-mixed-routing",
    severity: "blocking",
    hazard: (w) => {
      // Route 53 refuses to create this; the fixture puts it there directly
      w.host.putRecordSets(w.zoneId, [weighted("www.example.com", "blue", 100, SRC)]);
      return {};
    },
  },
  {
    code: "dns-unsupported-routing",
    severity: "blocking",
    hazard: (w) => {
      w.host.removeRecordSets(w.zoneId, "api.example.com");
      w.host.putRecordSets(w.zoneId, [
        { ...cname("api.example.com", SRC), SetIdentifier: "primary", Failover: "PRIMARY" },
      ]);
      return {};
    },
  },
  { code: "dns-alias-zone-unknown", severity: "blocking", hazard: () => ({}), targetHostname: NLB },
  {
    code: "dns-access-denied",
    severity: "blocking",
    hazard: (w) => {
      w.host.faults.denyZone(w.zoneId, ["ListResourceRecordSets"]);
      return {};
    },
  },
  { code: "dns-source-hostname-unknown", severity: "warning", hazard: () => ({ sourceHostname: undefined }) },
];

function ctxFor(o: EnvOptions, targetHostname: string | undefined): EnvContext {
  return envContext({ records: names, targetHostname, ...o });
}

describe("DNS preflight findings", () => {
  it("finds nothing on a clean zone (CNAMEs and an alias to the source load balancer)", async () => {
    const world = await startWorld(clean());
    for (const target of [TGT, undefined]) {
      const ctx = ctxFor({}, target);
      expect(await world.traffic.preflight(ctx, target)).toEqual([]);
    }
    const weightedCtx = ctxFor({ strategy: { type: "weighted" } }, TGT);
    expect(await world.traffic.preflight(weightedCtx, TGT)).toEqual([]);
  });

  it.each(cases.map((c, i) => [`${c.code} #${i}`, c] as const))(
    "%s: reported for the hazard, not without it",
    async (_, c) => {
      const target = c.targetHostname ?? TGT;
      const bare = await startWorld(clean());
      const without = await bare.traffic.preflight(ctxFor({}, TGT), TGT);
      expect(without.map((f) => f.code)).not.toContain(c.code);

      const world = await startWorld(clean());
      const opts = c.hazard(world);
      const findings = await world.traffic.preflight(ctxFor(opts, target), target);
      const hit = findings.find((f) => f.code === c.code);
      expect(hit, JSON.stringify(findings)).toBeDefined();
      expect(hit!.severity).toBe(c.severity);
      expect(hit!.message.length).toBeGreaterThan(20);
      expect(hit!.fix?.length ?? 0).toBeGreaterThan(10);
    },
  );

  it("says what a hazard is and how to fix it", async () => {
    const world = await startWorld(clean());
    world.host.removeRecordSets(world.zoneId, "api.example.com");
    world.host.putRecordSets(world.zoneId, [
      { Name: "api.example.com", Type: "A", TTL: 300, ResourceRecords: [{ Value: "203.0.113.10" }] },
      txt(
        "cname-www.example.com",
        '"heritage=external-dns,external-dns/owner=prod-old,external-dns/resource=ingress/web/www"',
      ),
    ]);
    const findings = await world.traffic.preflight(ctxFor({}, TGT), TGT);
    expect(findings).toEqual([
      {
        code: "dns-external-dns-owner",
        severity: "warning",
        message:
          'www.example.com is managed by external-dns (owner "prod-old", TXT at cname-www.example.com): it may rewrite the record to the old cluster\'s load balancer after the shift',
        fix: expect.stringContaining("stop external-dns from managing www.example.com"),
        subjects: ["www.example.com"],
      },
      {
        code: "dns-points-at-ip",
        severity: "blocking",
        message:
          "api.example.com A points at 203.0.113.10 directly, not through a CNAME, weighted or alias record to a cluster's load balancer, so traffic cannot be moved by DNS",
        fix: `replace it with a CNAME (or alias) to ${SRC}, wait one TTL, then migrate`,
        subjects: ["api.example.com"],
      },
    ]);
  });
});
