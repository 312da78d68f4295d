import {
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Route53Host, startRoute53Host } from "../../src/route53/index.js";
import { rejection, sdkClient } from "./client.js";

let host: Route53Host;
beforeAll(async () => {
  host = await startRoute53Host({ insyncDelayMs: 30 });
});
afterAll(async () => {
  await host.close();
});

describe("hosted zones", () => {
  it("ListHostedZonesByName lists zones in reversed-label order from DNSName, with pagination markers", async () => {
    const b = host.createZone({ name: "b.example" });
    const a = host.createZone({ name: "a.example." });
    const com = host.createZone({ name: "Example.COM" });
    const sdk = sdkClient(host.endpoint);
    const all = await sdk.send(new ListHostedZonesByNameCommand({}));
    expect(all.HostedZones?.map((z) => z.Name)).toEqual(["example.com.", "a.example.", "b.example."]);
    expect(all.HostedZones?.[0]).toMatchObject({
      Id: `/hostedzone/${com}`,
      Config: { PrivateZone: false },
      ResourceRecordSetCount: 2,
    });
    const from = await sdk.send(new ListHostedZonesByNameCommand({ DNSName: "a.example", MaxItems: 1 }));
    expect(from).toMatchObject({
      DNSName: "a.example.",
      IsTruncated: true,
      MaxItems: 1,
      NextDNSName: "b.example.",
      NextHostedZoneId: b,
    });
    expect(from.HostedZones?.map((z) => z.Id)).toEqual([`/hostedzone/${a}`]);
  });

  it("GetHostedZone accepts a bare or prefixed id and returns the delegation set; unknown ids are NoSuchHostedZone", async () => {
    const id = host.createZone({ name: "get.example" });
    const sdk = sdkClient(host.endpoint);
    const out = await sdk.send(new GetHostedZoneCommand({ Id: `/hostedzone/${id}` }));
    expect(out.HostedZone).toMatchObject({ Id: `/hostedzone/${id}`, Name: "get.example." });
    expect(out.DelegationSet?.NameServers).toHaveLength(4);
    const err = await rejection(sdk.send(new GetHostedZoneCommand({ Id: "ZDOESNOTEXIST" })));
    expect(err.name).toBe("NoSuchHostedZone");
    expect(err.message).toBe("No hosted zone found with ID: ZDOESNOTEXIST");
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });

  it("requests without a SigV4 Authorization header are refused", async () => {
    const res = await fetch(`${host.endpoint}/2013-04-01/hostedzonesbyname`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });
});

describe("ListResourceRecordSets pagination", () => {
  it("pages through more than 100 record sets in Route 53 order, with NextRecordIdentifier between weighted sets", async () => {
    const zoneId = host.createZone({ name: "big.example" });
    const sets: ResourceRecordSet[] = [];
    for (let i = 0; i < 240; i++) {
      sets.push({
        Name: `host-${String(i).padStart(3, "0")}.big.example`,
        Type: "A",
        TTL: 60,
        ResourceRecords: [{ Value: `10.0.${i >> 8}.${i & 255}` }],
      });
    }
    for (const id of ["c", "a", "b"]) {
      sets.push({
        Name: "w.big.example",
        Type: "CNAME",
        SetIdentifier: id,
        Weight: 1,
        TTL: 60,
        ResourceRecords: [{ Value: `${id}.example.net` }],
      });
    }
    host.putRecordSets(zoneId, sets);
    const sdk = sdkClient(host.endpoint);

    const seen: string[] = [];
    let start: { name?: string; type?: string; id?: string } = {};
    let pages = 0;
    for (;;) {
      const page = await sdk.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as ResourceRecordSet["Type"],
          StartRecordIdentifier: start.id,
        }),
      );
      pages++;
      expect(page.MaxItems).toBe(100);
      for (const rs of page.ResourceRecordSets ?? [])
        seen.push(`${rs.Name} ${rs.Type} ${rs.SetIdentifier ?? ""}`);
      if (!page.IsTruncated) break;
      start = { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier };
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(245);
    expect(new Set(seen).size).toBe(245);
    expect(seen.slice(0, 3)).toEqual(["big.example. NS ", "big.example. SOA ", "host-000.big.example. A "]);
    expect(seen.slice(-3)).toEqual([
      "w.big.example. CNAME a",
      "w.big.example. CNAME b",
      "w.big.example. CNAME c",
    ]);

    const boundary = await sdk.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: "w.big.example",
        MaxItems: 1,
      }),
    );
    expect(boundary).toMatchObject({
      IsTruncated: true,
      NextRecordName: "w.big.example.",
      NextRecordType: "CNAME",
      NextRecordIdentifier: "b",
    });
    const rest = await sdk.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: "w.big.example.",
        StartRecordType: "CNAME",
        StartRecordIdentifier: "b",
      }),
    );
    expect(rest.ResourceRecordSets?.map((r) => r.SetIdentifier)).toEqual(["b", "c"]);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.NextRecordName).toBeUndefined();
  });

  it("rejects a start type without a start name", async () => {
    const zoneId = host.createZone({ name: "input.example" });
    const err = await rejection(
      sdkClient(host.endpoint).send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: "A" }),
      ),
    );
    expect(err.name).toBe("InvalidInput");
  });
});

describe("GetChange", () => {
  it("is unknown for an id that was never issued", async () => {
    const err = await rejection(
      sdkClient(host.endpoint).send(new GetChangeCommand({ Id: "/change/CNOSUCHCHANGE" })),
    );
    expect(err.name).toBe("NoSuchChange");
    expect(err.$metadata?.httpStatusCode).toBe(404);
  });
});
