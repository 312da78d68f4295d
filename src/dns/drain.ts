import type { DnsChangeReport } from "../migration/ports.js";

/**
 * When the source may stop serving: once the change is in sync, a resolver can still hold the previous
 * answer for up to `maxTtlSeconds`; `marginSeconds` covers clients that cache a little longer.
 * Returns epoch milliseconds.
 */
export function drainSafeAt(report: DnsChangeReport, marginSeconds: number): number {
  return report.insyncAt + (report.maxTtlSeconds + Math.max(0, marginSeconds)) * 1000;
}
