import type { DnsSnapshot } from "../ports.js";

/** The largest TTL in a snapshot (alias records have none and count as 60 s, Route 53's alias TTL). */
export function maxTtl(snapshot: DnsSnapshot): number {
  let max = 0;
  for (const rs of snapshot.recordSets) {
    const ttl = (rs as { TTL?: unknown }).TTL;
    max = Math.max(max, typeof ttl === "number" ? ttl : 60);
  }
  return max;
}
