import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { afterEach, describe, expect, it } from "vitest";
import { createRoute53Traffic, PermanentDnsError } from "../../src/dns/index.js";
import {
  closeWorlds,
  envContext,
  FAST,
  NEW,
  OLD,
  recordSetsOf,
  SRC,
  startWorld,
  toTarget,
  weighted,
  zoneBytes,
  zoneOf,
} from "./world.js";

const saved = { ...process.env };
afterEach(async () => {
  await closeWorlds();
  for (const key of [
    "AWS_ENDPOINT_URL_ROUTE_53",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
  ]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe("SDK configuration", () => {
  for (const variable of ["AWS_ENDPOINT_URL_ROUTE_53", "AWS_ENDPOINT_URL"]) {
    it(`uses the standard chain: ${variable} and credentials from the environment`, async () => {
      const world = await startWorld([weighted("www.example.com", OLD, 100, SRC)]);
      process.env[variable] = world.host.endpoint;
      process.env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
      process.env.AWS_SECRET_ACCESS_KEY = "env-secret";
      const traffic = createRoute53Traffic(FAST);
      const snap = await traffic.snapshot(envContext({ records: ["www.example.com"] }));
      expect(recordSetsOf(snap)).toEqual([{ ...weighted("www.example.com.", OLD, 100, SRC) }]);
    });
  }

  it("accepts the hosted zone as an id", async () => {
    const world = await startWorld([weighted("www.example.com", OLD, 100, SRC)]);
    const snap = await world.traffic.snapshot(
      envContext({ hostedZone: world.zoneId, records: ["www.example.com"] }),
    );
    expect(zoneOf(snap)).toBe(world.zoneId);
    expect(recordSetsOf(snap)).toHaveLength(1);
  });

  it("refuses a zone name shared by a public and a private zone, naming both ids", async () => {
    const world = await startWorld([]);
    const privateId = world.host.createZone({ name: "example.com.", privateZone: true });
    const err = await world.traffic.snapshot(envContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDnsError);
    expect((err as Error).message).toContain(`${privateId} (private)`);
    expect((err as Error).message).toContain(`${world.zoneId} (public)`);
  });
});

describe("pagination through the adapter", () => {
  it("reads a name whose record sets span several pages, among more than 100 others", async () => {
    const filler: ResourceRecordSet[] = [];
    for (let i = 0; i < 150; i++)
      filler.push({
        Name: `n${i}.example.com`,
        Type: "A",
        TTL: 60,
        ResourceRecords: [{ Value: "10.0.0.1" }],
      });
    const sets = [
      weighted("www.example.com", OLD, 100, SRC),
      weighted("www.example.com", "spare-a", 0, "a.example.net"),
      weighted("www.example.com", "spare-b", 0, "b.example.net"),
    ];
    const world = await startWorld([...filler, ...sets], { pageSize: 2 });
    const { host, zoneId, traffic } = world;
    const ctx = envContext({ records: ["www.example.com"], strategy: { type: "weighted" } });
    const before = await zoneBytes(host, zoneId);
    host.resetCounters();
    const snap = await traffic.snapshot(ctx);
    expect(recordSetsOf(snap).map((s) => (s as ResourceRecordSet).SetIdentifier)).toEqual([
      OLD,
      "spare-a",
      "spare-b",
    ]);
    expect(host.counters.requests.ListResourceRecordSets).toBe(2);
    await traffic.setWeight(ctx, snap, toTarget(50));
    const www = host.recordSets(zoneId).filter((r) => r.Name === "www.example.com.");
    expect(www.map((r) => `${r.SetIdentifier}=${r.Weight}`)).toEqual([
      `${OLD}=50`,
      `${NEW}=50`,
      "spare-a=0",
      "spare-b=0",
    ]);
    await traffic.restore(ctx, snap);
    expect(await zoneBytes(host, zoneId)).toBe(before);
  });
});
