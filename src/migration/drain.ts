// Drain time: when resolvers have let go of the answers a DNS change replaced. The change is served
// everywhere at `insyncAt`; a resolver may hold the previous answer for its TTL after that, and
// `marginSeconds` covers clients that cache a little longer. The source must keep serving until then.

import type { DnsChangeReport } from "./ports.js";

/** Epoch ms after which no resolver should still hand out an answer cached for `ttlSeconds` before `insyncAt`. */
export function previousAnswersExpireAt(insyncAt: number, ttlSeconds: number, marginSeconds = 0): number {
  return insyncAt + (Math.max(0, ttlSeconds) + Math.max(0, marginSeconds)) * 1000;
}

/** When the cluster the change moved traffic away from may stop serving. */
export function drainSafeAt(report: DnsChangeReport, marginSeconds: number): number {
  return previousAnswersExpireAt(report.insyncAt, report.maxTtlSeconds, marginSeconds);
}
