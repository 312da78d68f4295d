// The Route 53 form of the domain's opaque DnsRead: what `pointing` read for the start command (the zone
// it resolved, the record sets at the names and at their ownership TXT names), so that preflight, seconds
// later and possibly in a worker process of its own, uses it instead of sending the same two requests
// again. A stored read is input like a stored snapshot: it is checked, and one that is not ours, is for
// another zone or other names, or is not recent is simply not used (preflight reads afresh).

import { z } from "zod";
import type { DnsRead } from "../../migration/ports.js";
import type { ZoneRef } from "./gateway.js";
import { nameSet, type RecordSet } from "./records.js";
import { PROVIDER } from "./snapshot.js";

/**
 * How old a read may be to stand in for a fresh one before the first change (preflight's for the start
 * command's, lower-ttl's snapshot for preflight's): the steps run back to back, and the first change is
 * a guarded batch built from the same read, which Route 53 refuses if the sets it replaces changed since.
 */
export const RECENT_READ_MAX_AGE_MS = 30_000;

/** A read stamped a little in the future still counts (the bot's and the worker's clocks differ a bit). */
const CLOCK_SKEW_MS = 5_000;

export interface Route53Read {
  takenAt: number;
  /** `dns.hostedZone` as configured when it was read (a name or an id). */
  hostedZone: string;
  zone: ZoneRef;
  /** Record sets in the zone, when known: decides how the next read is made (gateway.readNames). */
  zoneSize?: number | undefined;
  /** The configured names it covers (fully qualified, sorted). */
  names: string[];
  /** Every record set at the names and at their ownership names, as Route 53 returned them. */
  recordSets: RecordSet[];
}

const stateSchema = z.object({
  hostedZone: z.string(),
  zone: z.object({ id: z.string().regex(/^Z[A-Z0-9]+$/), name: z.string() }),
  zoneSize: z.number().int().nonnegative().optional(),
  names: z.array(z.string()),
  recordSets: z.array(z.looseObject({ Name: z.string().min(1), Type: z.string().min(1) })),
});

export function toRead(
  hostedZone: string,
  zone: ZoneRef,
  zoneSize: number | undefined,
  names: readonly string[],
  recordSets: readonly RecordSet[],
  now: number,
): DnsRead {
  const state = {
    hostedZone,
    zone,
    names: nameSet(names),
    recordSets,
    ...(zoneSize === undefined ? {} : { zoneSize }),
  };
  return { takenAt: now, provider: PROVIDER, state: JSON.parse(JSON.stringify(state)) as unknown };
}

/** The stored read, if it is Route 53's, for this zone setting and these names, and at most `maxAgeMs` old. */
export function usableRead(
  read: DnsRead | undefined,
  hostedZone: string,
  names: readonly string[],
  now: number,
  maxAgeMs = RECENT_READ_MAX_AGE_MS,
): Route53Read | undefined {
  if (read === undefined || read === null || typeof read !== "object" || read.provider !== PROVIDER)
    return undefined;
  const age = now - read.takenAt;
  if (!Number.isFinite(age) || age > maxAgeMs || age < -CLOCK_SKEW_MS) return undefined;
  const parsed = stateSchema.safeParse(read.state);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  if (s.hostedZone !== hostedZone || s.names.join(" ") !== nameSet(names).join(" ")) return undefined;
  return {
    takenAt: read.takenAt,
    hostedZone: s.hostedZone,
    zone: s.zone,
    zoneSize: s.zoneSize,
    names: s.names,
    // The checked input itself (not zod's copy), so the sets are exactly the ones Route 53 returned.
    recordSets: (read.state as { recordSets: RecordSet[] }).recordSets,
  };
}
