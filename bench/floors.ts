// The least time a number of requests can take under a token bucket (burst, then the refill rate): the
// rate-limit part of a step's floor. Route 53's buckets are the ones hikkoshi paces itself with
// (src/dns/route53/pacing.ts, the documented 50 burst and 10 per second, less its margin).

import { ROUTE53_PACING } from "../src/dns/route53/pacing.js";

export function bucketFloorMs(requests: number, burst: number, perSecond: number): number {
  return (Math.max(0, requests - burst) / perSecond) * 1000;
}

const account = ROUTE53_PACING.account;
export const ROUTE53_BURST = account.capacity - ROUTE53_PACING.marginTokens;
export const ROUTE53_REFILL = account.refillPerSecond;

export function route53FloorMs(requests: number): number {
  return bucketFloorMs(requests, ROUTE53_BURST, ROUTE53_REFILL);
}
