import { describe, expect, it } from "vitest";
import { PermanentDnsError } from "../../src/dns/index.js";
import { classify } from "../../src/dns/route53/errors.js";
import { Route53Pacer } from "../../src/dns/route53/pacing.js";
import { PlanError, plannedWeights, shiftDesired } from "../../src/dns/route53/plan.js";
import { canonical, diffSets } from "../../src/dns/route53/records.js";
import { backoffMs, DEFAULT_RETRY } from "../../src/dns/route53/retry.js";
import { groupsOf } from "../../src/dns/route53/targets.js";
import { alias, cname, NEW, OLD, SRC, TGT, weighted } from "./world.js";

const params = { sourceHost: SRC, targetHost: TGT, sourceName: OLD, targetName: NEW };

describe("record-set diff", () => {
  it("deletes first with exact current values, upserts what differs, leaves equal sets alone", () => {
    const current = [
      cname("a.example.com.", SRC),
      cname("b.example.com.", SRC),
      cname("c.example.com.", SRC),
    ];
    const desired = [
      cname("b.example.com.", TGT),
      { TTL: 300, ResourceRecords: [{ Value: SRC }], Type: "CNAME" as const, Name: "c.example.com." },
    ];
    expect(diffSets(current, desired)).toEqual([
      { Action: "DELETE", ResourceRecordSet: current[0] },
      { Action: "UPSERT", ResourceRecordSet: desired[0] },
    ]);
    expect(canonical(desired[1])).toBe(canonical(current[2]));
  });
});

describe("shift plan", () => {
  it("weight 0 is the original record with the TTL in effect now", () => {
    const original = [cname("www.example.com.", SRC, 3600)];
    const current = [cname("www.example.com.", SRC, 60)];
    expect(shiftDesired(original, current, ["www.example.com"], { ...params, weight: 0 })).toEqual(current);
  });

  it("refuses weights outside 0..100 and records that do not start on the source", () => {
    const original = [cname("www.example.com.", "elsewhere.example.net")];
    expect(() => shiftDesired(original, original, ["www.example.com"], { ...params, weight: 101 })).toThrow(
      PlanError,
    );
    expect(() => shiftDesired(original, original, ["www.example.com"], { ...params, weight: 10 })).toThrow(
      /not at the source load balancer/,
    );
    expect(() => shiftDesired([], [], ["www.example.com"], { ...params, weight: 10 })).toThrow(
      /no CNAME, A or AAAA/,
    );
  });

  it("cannot derive an alias target of another load-balancer kind", () => {
    const original = [alias("shop.example.com.", "A", SRC)];
    const nlb = { ...params, targetHost: "net-1.elb.eu-central-1.amazonaws.com", weight: 100 };
    expect(() => shiftDesired(original, original, ["shop.example.com"], nlb)).toThrow(/alias hosted zone/);
  });

  it("finds the step where every weight is 0 (here: now)", () => {
    const [group] = groupsOf([
      weighted("www.example.com.", OLD, 0, SRC),
      weighted("www.example.com.", "b", 0, "b.example.net"),
    ]);
    const plan = plannedWeights(group!, params, [10, 50, 100]);
    expect(plan).toEqual([
      { step: 0, weights: [0, 0] },
      { step: 10, weights: [0, 90, 10] },
      { step: 50, weights: [0, 50, 50] },
      { step: 100, weights: [0, 0, 100] },
    ]);
  });
});

describe("retry policy", () => {
  it("backs off with full jitter, never below one rate-limit slot nor above the cap", () => {
    const opts = { ...DEFAULT_RETRY, random: () => 0.999 };
    expect(backoffMs(1, opts)).toBe(249);
    expect(backoffMs(3, opts)).toBe(999);
    expect(backoffMs(20, opts)).toBe(9990);
    expect(backoffMs(5, { ...opts, random: () => 0 })).toBe(1000 / opts.requestsPerSecond);
  });

  it("spaces requests to the configured rate", async () => {
    // A burst of one above the margin, then 50 per second: six requests span at least five refills.
    const limit = { capacity: 2, refillPerSecond: 50 };
    const limiter = new Route53Pacer({ account: limit, perOperation: limit, marginTokens: 1 });
    const start = Date.now();
    for (let i = 0; i < 6; i++) await limiter.take("ListResourceRecordSets");
    expect(Date.now() - start).toBeGreaterThanOrEqual(95);
  });

  it("classifies Route 53 errors", () => {
    const sdkError = (name: string, status: number) =>
      Object.assign(new Error("m"), { name, $metadata: { httpStatusCode: status } });
    expect(classify(sdkError("Throttling", 400), { op: "GetChange" }).kind).toBe("transient");
    expect(classify(sdkError("PriorRequestNotComplete", 400), { op: "ChangeResourceRecordSets" }).kind).toBe(
      "transient",
    );
    expect(classify(sdkError("InternalFailure", 500), { op: "GetChange" }).kind).toBe("transient");
    expect(
      classify(Object.assign(new Error("socket hang up"), { name: "TimeoutError", code: "ECONNRESET" }), {
        op: "GetChange",
      }).kind,
    ).toBe("transient");
    const denied = classify(sdkError("AccessDenied", 403), { op: "GetChange" });
    expect(denied.kind === "permanent" && denied.error.fix).toContain("arn:aws:route53:::change/*");
    const creds = classify(
      Object.assign(new Error("Could not load credentials"), { name: "CredentialsProviderError" }),
      { op: "GetHostedZone" },
    );
    expect(creds.kind === "permanent" && creds.error).toBeInstanceOf(PermanentDnsError);
  });
});
