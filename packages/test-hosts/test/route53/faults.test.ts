import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { rejection, sdkClient, useZone } from "./client.js";

const z = useZone({ insyncDelayMs: 300 });

const rs = (name: string, value: string): ResourceRecordSet => ({
  Name: name,
  Type: "CNAME",
  TTL: 300,
  ResourceRecords: [{ Value: value }],
});
const upsert = (name: string, value: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: z.zoneId,
    ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: rs(name, value) }] },
  });

describe("fault injection", () => {
  it("throttles the next N requests with Route 53's Throttling error, then serves normally", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.throttleNext(2);
    for (let i = 0; i < 2; i++) {
      const err = await rejection(sdk.send(new GetHostedZoneCommand({ Id: z.zoneId })));
      expect(err.name).toBe("Throttling");
      expect(err.message).toBe("Rate exceeded");
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
    await sdk.send(new GetHostedZoneCommand({ Id: z.zoneId }));
    expect(z.host.counters.throttled).toBe(2);
    expect(z.host.counters.requests.GetHostedZone).toBe(3);
  });

  it("throttles only the named operations", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.throttleNext(1, ["ChangeResourceRecordSets"]);
    await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: z.zoneId }));
    expect((await rejection(sdk.send(upsert("a.example.com", "x.example.net")))).name).toBe("Throttling");
    await sdk.send(upsert("a.example.com", "x.example.net"));
    expect(z.host.counters).toMatchObject({ throttled: 1, changesAccepted: 1 });
  });

  it("denies a zone with AccessDenied (403) naming the action and the zone ARN", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.denyZone(z.zoneId, ["ChangeResourceRecordSets"]);
    await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: z.zoneId }));
    const err = await rejection(sdk.send(upsert("a.example.com", "x.example.net")));
    expect(err.name).toBe("AccessDenied");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toContain(
      `route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/${z.zoneId}`,
    );
    z.host.faults.allowZone(z.zoneId);
    await sdk.send(upsert("a.example.com", "x.example.net"));
  });

  it("in PriorRequestNotComplete mode refuses a change while another is PENDING", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.priorRequestMode = true;
    await sdk.send(upsert("a.example.com", "x.example.net"));
    const err = await rejection(sdk.send(upsert("b.example.com", "x.example.net")));
    expect(err.name).toBe("PriorRequestNotComplete");
    expect(z.host.recordSets(z.zoneId).some((r) => r.Name === "b.example.com.")).toBe(false);
    await new Promise((r) => setTimeout(r, 320));
    await sdk.send(upsert("b.example.com", "x.example.net"));
    expect(z.host.counters).toMatchObject({ priorRequestNotComplete: 1, changesAccepted: 2 });
  });

  it("slows INSYNC for changes submitted after the setting", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.insyncDelayMs = 10_000;
    await sdk.send(upsert("a.example.com", "x.example.net"));
    const [c] = z.host.changeLog();
    expect(z.host.store.status(c!)).toBe("PENDING");
    expect(z.host.store.status(c!, Date.now() + 10_001)).toBe("INSYNC");
  });

  it("applies a change and then drops the connection (the answer is lost, the change is not)", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.faults.resetAfterCommit(1);
    const err = await rejection(sdk.send(upsert("a.example.com", "x.example.net")));
    expect(err.name).not.toBe("InvalidChangeBatch");
    expect(z.host.recordSets(z.zoneId).find((r) => r.Name === "a.example.com.")).toEqual(
      rs("a.example.com.", "x.example.net"),
    );
    expect(z.host.counters.changesAccepted).toBe(1);
  });

  it("runs a hook on the zone just before the next change is validated", async () => {
    const sdk = sdkClient(z.host.endpoint);
    z.host.putRecordSets(z.zoneId, [rs("a.example.com", "x.example.net")]);
    z.host.faults.beforeNextChange((store) =>
      store.putRecordSets(z.zoneId, [rs("a.example.com", "edited.example.net")]),
    );
    const err = await rejection(
      sdk.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: z.zoneId,
          ChangeBatch: {
            Changes: [{ Action: "DELETE", ResourceRecordSet: rs("a.example.com", "x.example.net") }],
          },
        }),
      ),
    );
    expect(err.name).toBe("InvalidChangeBatch");
  });

  it("fixture access puts states the API refuses (a simple and a weighted set on one name)", async () => {
    z.host.putRecordSets(z.zoneId, [
      rs("m.example.com", "x.example.net"),
      { ...rs("m.example.com", "y.example.net"), SetIdentifier: "b", Weight: 0 },
    ]);
    const listed = await sdkClient(z.host.endpoint).send(
      new ListResourceRecordSetsCommand({ HostedZoneId: z.zoneId, StartRecordName: "m.example.com" }),
    );
    expect(listed.ResourceRecordSets?.map((r) => r.SetIdentifier ?? "-")).toEqual(["-", "b"]);
  });
});
