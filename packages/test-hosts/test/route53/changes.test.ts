import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { rejection, sdkClient, useZone } from "./client.js";

const z = useZone({ insyncDelayMs: 40 });

const cname = (name: string, value: string, ttl = 300): ResourceRecordSet => ({
  Name: name,
  Type: "CNAME",
  TTL: ttl,
  ResourceRecords: [{ Value: value }],
});
const weighted = (name: string, id: string, weight: number, value: string): ResourceRecordSet => ({
  ...cname(name, value),
  SetIdentifier: id,
  Weight: weight,
});

function change(changes: Change[]) {
  return sdkClient(z.host.endpoint).send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: z.zoneId, ChangeBatch: { Changes: changes } }),
  );
}
const names = () =>
  z.host
    .recordSets(z.zoneId)
    .map(
      (r) =>
        `${r.Name} ${r.Type} ${r.SetIdentifier ?? ""} ${r.ResourceRecords?.[0]?.Value ?? r.AliasTarget?.DNSName}`,
    );

describe("ChangeResourceRecordSets", () => {
  it("applies a batch, normalises names, and moves the change from PENDING to INSYNC", async () => {
    z.host.faults.insyncDelayMs = 400;
    const out = await change([
      { Action: "CREATE", ResourceRecordSet: cname("WWW.Example.com", "lb-1.example.net") },
      {
        Action: "UPSERT",
        ResourceRecordSet: {
          Name: "*.example.com",
          Type: "TXT",
          TTL: 60,
          ResourceRecords: [{ Value: "\"a&b <c> 'd'\"" }],
        },
      },
    ]);
    expect(out.ChangeInfo?.Status).toBe("PENDING");
    expect(out.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
    const submittedAt = out.ChangeInfo!.SubmittedAt!;
    expect(submittedAt).toBeInstanceOf(Date);
    const sdk = sdkClient(z.host.endpoint);
    let status = (await sdk.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id! }))).ChangeInfo?.Status;
    while (status === "PENDING" && Date.now() - submittedAt.getTime() < 5000) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await sdk.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id! }))).ChangeInfo?.Status;
    }
    expect(status).toBe("INSYNC");
    expect(Date.now() - submittedAt.getTime()).toBeGreaterThanOrEqual(400);
    const listed = await sdk.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: z.zoneId, StartRecordName: "\\052.example.com" }),
    );
    // `*` is stored as \052, which sorts before letters
    expect(listed.ResourceRecordSets).toEqual([
      { Name: "\\052.example.com.", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: "\"a&b <c> 'd'\"" }] },
      cname("www.example.com.", "lb-1.example.net"),
    ]);
  });

  it("rejects the whole batch when one change is invalid, listing Route 53's messages", async () => {
    z.host.putRecordSets(z.zoneId, [
      cname("a.example.com", "old.example.net"),
      cname("c.example.com", "old.example.net", 300),
    ]);
    const before = names();
    const err = await rejection(
      change([
        { Action: "UPSERT", ResourceRecordSet: cname("a.example.com", "new.example.net") },
        { Action: "CREATE", ResourceRecordSet: cname("b.example.com", "new.example.net") },
        { Action: "DELETE", ResourceRecordSet: cname("c.example.com", "old.example.net", 60) },
      ]),
    );
    expect(err.name).toBe("InvalidChangeBatch");
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe(
      "[Tried to delete resource record set [name='c.example.com.', type='CNAME'] but the values provided do not match the current values]",
    );
    expect(names()).toEqual(before);
    expect(z.host.counters).toMatchObject({ changesRejected: 1, changesAccepted: 0 });
  });

  it("reports every problem of a batch: CREATE of an existing set and DELETE of a missing one", async () => {
    z.host.putRecordSets(z.zoneId, [cname("a.example.com", "x.example.net")]);
    const err = await rejection(
      change([
        { Action: "CREATE", ResourceRecordSet: cname("a.example.com", "x.example.net") },
        { Action: "DELETE", ResourceRecordSet: weighted("z.example.com", "blue", 1, "x.example.net") },
      ]),
    );
    expect(err.message).toBe(
      "[Tried to create resource record set [name='a.example.com.', type='CNAME'] but it already exists, " +
        "Tried to delete resource record set [name='z.example.com.', type='CNAME', set-identifier='blue'] but it was not found]",
    );
  });

  it("the wire body is Route 53's ErrorResponse with Type, Code, Message, Messages and RequestId", async () => {
    z.host.putRecordSets(z.zoneId, [cname("a.example.com", "x.example.net")]);
    const res = await fetch(`${z.host.endpoint}/2013-04-01/hostedzone/${z.zoneId}/rrset`, {
      method: "POST",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIDTEST/x", "content-type": "application/xml" },
      body: `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>a.example.com</Name><Type>CNAME</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>x.example.net</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`,
    });
    expect(res.status).toBe(400);
    const requestId = res.headers.get("x-amzn-requestid");
    const msg =
      "Tried to create resource record set [name='a.example.com.', type='CNAME'] but it already exists";
    expect(await res.text()).toBe(
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[${msg.replace(/'/g, "&apos;")}]</Message><Messages><Message>${msg.replace(/'/g, "&apos;")}</Message></Messages></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  });

  it("refuses a simple and a weighted set on one name and type, in either order", async () => {
    z.host.putRecordSets(z.zoneId, [
      cname("s.example.com", "x.example.net"),
      weighted("w.example.com", "blue", 1, "x.example.net"),
    ]);
    const e1 = await rejection(
      change([
        { Action: "CREATE", ResourceRecordSet: weighted("s.example.com", "green", 1, "y.example.net") },
      ]),
    );
    expect(e1.message).toContain(
      "cannot be created as a non-weighted set exists with the same name and type",
    );
    const e2 = await rejection(
      change([{ Action: "CREATE", ResourceRecordSet: cname("w.example.com", "y.example.net") }]),
    );
    expect(e2.message).toContain("cannot be created as weighted sets exist with the same name and type");
  });

  it("converts a simple CNAME to weighted sets when the DELETE comes first in the batch", async () => {
    z.host.putRecordSets(z.zoneId, [cname("s.example.com", "x.example.net")]);
    await change([
      { Action: "DELETE", ResourceRecordSet: cname("s.example.com", "x.example.net") },
      { Action: "CREATE", ResourceRecordSet: weighted("s.example.com", "old", 90, "x.example.net") },
      { Action: "CREATE", ResourceRecordSet: weighted("s.example.com", "new", 10, "y.example.net") },
    ]);
    expect(names().filter((n) => n.startsWith("s."))).toEqual([
      "s.example.com. CNAME new y.example.net",
      "s.example.com. CNAME old x.example.net",
    ]);
  });

  it("keeps a CNAME alone at its name", async () => {
    z.host.putRecordSets(z.zoneId, [
      cname("c.example.com", "x.example.net"),
      { Name: "t.example.com", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"x"' }] },
    ]);
    const e1 = await rejection(
      change([
        {
          Action: "CREATE",
          ResourceRecordSet: {
            Name: "c.example.com",
            Type: "TXT",
            TTL: 60,
            ResourceRecords: [{ Value: '"x"' }],
          },
        },
      ]),
    );
    expect(e1.message).toContain(
      "RRSet of type TXT with DNS name c.example.com. is not permitted because a conflicting RRSet of type CNAME",
    );
    const e2 = await rejection(
      change([{ Action: "CREATE", ResourceRecordSet: cname("t.example.com", "x.example.net") }]),
    );
    expect(e2.message).toContain(
      "RRSet of type CNAME with DNS name t.example.com. is not permitted as it conflicts with other records",
    );
    const e3 = await rejection(
      change([{ Action: "CREATE", ResourceRecordSet: cname("example.com", "x.example.net") }]),
    );
    expect(e3.message).toContain("is not permitted at apex");
  });

  it("needs SetIdentifier with Weight, a routing policy with SetIdentifier, and names inside the zone", async () => {
    const noId = await rejection(
      change([
        { Action: "CREATE", ResourceRecordSet: { ...cname("x.example.com", "a.example.net"), Weight: 5 } },
      ]),
    );
    expect(noId.name).toBe("InvalidInput");
    expect(noId.message).toContain("Missing field 'SetIdentifier'");
    const noWeight = await rejection(
      change([
        {
          Action: "CREATE",
          ResourceRecordSet: { ...cname("x.example.com", "a.example.net"), SetIdentifier: "a" },
        },
      ]),
    );
    expect(noWeight.name).toBe("InvalidInput");
    const outside = await rejection(
      change([{ Action: "CREATE", ResourceRecordSet: cname("www.example.org", "a.example.net") }]),
    );
    expect(outside.name).toBe("InvalidChangeBatch");
    expect(outside.message).toContain("is not permitted in zone example.com.");
    expect(z.host.counters.changesAccepted).toBe(0);
  });

  it("UPSERT creates or replaces; an UPSERT of identical values is accepted but changes nothing", async () => {
    await change([{ Action: "UPSERT", ResourceRecordSet: cname("u.example.com", "a.example.net") }]);
    await change([{ Action: "UPSERT", ResourceRecordSet: cname("u.example.com", "b.example.net", 60) }]);
    await change([{ Action: "UPSERT", ResourceRecordSet: cname("u.example.com", "b.example.net", 60) }]);
    expect(z.host.recordSets(z.zoneId).find((r) => r.Name === "u.example.com.")).toEqual(
      cname("u.example.com.", "b.example.net", 60),
    );
    expect(z.host.counters).toMatchObject({ changesAccepted: 3, changesEffective: 2 });
  });
});
