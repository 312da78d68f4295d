// The Route 53 form of the domain's opaque DnsSnapshot: the zone and its exact record sets, so rollback
// writes back the same bytes. A stored snapshot is input like any other: it is checked before use.

import { z } from "zod";
import type { DnsSnapshot } from "../../migration/ports.js";
import { PermanentDnsError } from "../errors.js";
import { cacheTtl, type RecordSet } from "./records.js";

export const PROVIDER = "route53";

export interface Route53State {
  hostedZoneId: string;
  recordSets: RecordSet[];
}

// Only what hikkoshi relies on is checked; every other field is kept as Route 53 returned it.
const stateSchema = z.object({
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, "a Route 53 zone id such as Z0123456789ABC"),
  recordSets: z.array(z.looseObject({ Name: z.string().min(1), Type: z.string().min(1) })),
});

export function toSnapshot(hostedZoneId: string, recordSets: readonly RecordSet[], now: number): DnsSnapshot {
  return {
    takenAt: now,
    provider: PROVIDER,
    ttlSeconds: Math.max(0, ...recordSets.map(cacheTtl)),
    state: JSON.parse(JSON.stringify({ hostedZoneId, recordSets })) as Route53State,
  };
}

export function fromSnapshot(snapshot: DnsSnapshot): Route53State {
  const fix = "restore the records by hand from the audit log; the stored snapshot cannot be used";
  const provider = (snapshot as { provider?: unknown } | null)?.provider;
  if (provider !== PROVIDER) {
    throw new PermanentDnsError(
      `the DNS snapshot was taken by ${typeof provider === "string" ? `provider "${provider}"` : "an unknown provider"}, not Route 53`,
      `${fix} (or configure the provider that took it)`,
    );
  }
  const parsed = stateSchema.safeParse(snapshot.state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new PermanentDnsError(`the Route 53 DNS snapshot is malformed${where}: ${issue?.message}`, fix);
  }
  // The checked input itself, not zod's copy: the bytes written back must be the ones read.
  return snapshot.state as Route53State;
}
