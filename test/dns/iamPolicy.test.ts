// deploy/iam-policy.json is least privilege for what hikkoshi really sends: a whole migration and its
// rollback against the Route 53 host (zone given by name, so the lookup is in) use exactly the actions the
// policy allows, each on the resource the policy scopes it to.

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { closeWorlds, cname, envContext, NEW, OLD, SRC, startWorld, TGT, toTarget } from "./world.js";

interface Statement {
  Action: string[];
  Resource: string[];
}
const policy = JSON.parse(readFileSync("deploy/iam-policy.json", "utf8")) as { Statement: Statement[] };

/** Each allowed operation (without the `route53:` prefix) and the resources it is allowed on. */
const allowed = new Map<string, string[]>(
  policy.Statement.flatMap((s) => s.Action.map((a) => [a.replace(/^route53:/, ""), s.Resource] as const)),
);

/** The ARN form IAM matches an operation's request against. */
const resourceOf: Record<string, string> = {
  ListResourceRecordSets: "arn:aws:route53:::hostedzone/ZONEID",
  ChangeResourceRecordSets: "arn:aws:route53:::hostedzone/ZONEID",
  GetChange: "arn:aws:route53:::change/*",
  ListHostedZonesByName: "*",
};

afterEach(closeWorlds);

describe("deploy/iam-policy.json", () => {
  it("allows exactly the Route 53 operations a migration and its rollback send, each on its resource", async () => {
    const world = await startWorld([cname("www.example.com", SRC), cname("api.example.com", SRC, 120)]);
    const names = ["www.example.com", "api.example.com"];
    const ctx = envContext({ records: names, strategy: { type: "weighted" }, targetHostname: TGT });
    const port = world.newPort();
    const pointing = await port.pointing(ctx, [
      { name: OLD, hostname: SRC },
      { name: NEW, hostname: TGT },
    ]);
    await port.preflight(ctx, TGT, pointing.read);
    const original = await port.snapshot(ctx);
    await port.setTtl(ctx, 60);
    await port.verifyTtl(ctx, 60);
    const preShift = await port.snapshot(ctx);
    await port.setWeight(ctx, preShift, toTarget(10));
    await port.verifyWeight(ctx, toTarget(10));
    await port.restore(ctx, preShift); // rollback
    await port.restore(ctx, original);

    const used = Object.entries(world.host.counters.requests)
      .filter(([, n]) => n > 0)
      .map(([op]) => op)
      .sort();
    expect(used).toEqual([...allowed.keys()].sort());
    for (const op of used) {
      const resources = (allowed.get(op) ?? []).map((r) =>
        r.replace(/hostedzone\/[A-Z0-9]+$/, "hostedzone/ZONEID"),
      );
      expect(resources, op).toContain(resourceOf[op]);
    }
  });
});
