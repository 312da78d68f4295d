// Faults the Route 53 test host can inject, and the counters tests read to prove what happened.

import type { Route53Store } from "./store.js";

export type Route53Op =
  | "ListHostedZonesByName"
  | "GetHostedZone"
  | "ListResourceRecordSets"
  | "ChangeResourceRecordSets"
  | "GetChange";

export const ROUTE53_OPS: Route53Op[] = [
  "ListHostedZonesByName",
  "GetHostedZone",
  "ListResourceRecordSets",
  "ChangeResourceRecordSets",
  "GetChange",
];

export interface Route53Counters {
  /** Every request that reached the host, by operation (throttled and refused ones included). */
  requests: Record<Route53Op, number>;
  /** Requests answered `Throttling` (the buckets' and `throttleNext`'s). */
  throttled: number;
  /** Of those, the ones the token buckets refused, by bucket. */
  throttledBy: { account: number; operation: number; changes: number };
  accessDenied: number;
  priorRequestNotComplete: number;
  /** ChangeResourceRecordSets calls that were accepted (200), whether or not they changed anything. */
  changesAccepted: number;
  /** Accepted calls after which the zone differs from before: the "changes that changed something". */
  changesEffective: number;
  /** Calls rejected by validation (InvalidChangeBatch / InvalidInput). */
  changesRejected: number;
}

export function emptyCounters(): Route53Counters {
  const requests = Object.fromEntries(ROUTE53_OPS.map((op) => [op, 0])) as Record<Route53Op, number>;
  return {
    requests,
    throttled: 0,
    throttledBy: { account: 0, operation: 0, changes: 0 },
    accessDenied: 0,
    priorRequestNotComplete: 0,
    changesAccepted: 0,
    changesEffective: 0,
    changesRejected: 0,
  };
}

export class Route53Faults {
  private throttleLeft = 0;
  private throttleOps: Route53Op[] | undefined;
  private resetLeft = 0;
  private readonly denied = new Map<string, Route53Op[] | undefined>();
  private hooks: Array<(store: Route53Store) => void> = [];
  /** When true, a change to a zone that still has a PENDING change fails with PriorRequestNotComplete. */
  priorRequestMode = false;

  constructor(
    /** Delay between a change's submission and INSYNC, for changes submitted from now on. */
    public insyncDelayMs: number,
  ) {}

  /** The next `n` requests (of `ops`, or of any operation) get `Throttling: Rate exceeded`. */
  throttleNext(n: number, ops?: Route53Op[]): void {
    this.throttleLeft = n;
    this.throttleOps = ops;
  }

  /** Requests about this zone (of `ops`, or all) get 403 AccessDenied. */
  denyZone(zoneId: string, ops?: Route53Op[]): void {
    this.denied.set(zoneId, ops);
  }

  allowZone(zoneId: string): void {
    this.denied.delete(zoneId);
  }

  /** The next `n` accepted changes are applied, then the connection is reset before the answer is sent. */
  resetAfterCommit(n: number): void {
    this.resetLeft = n;
  }

  /** Runs `fn` on the zone data just before the next ChangeResourceRecordSets is validated (a concurrent edit). */
  beforeNextChange(fn: (store: Route53Store) => void): void {
    this.hooks.push(fn);
  }

  clear(): void {
    this.throttleLeft = 0;
    this.resetLeft = 0;
    this.denied.clear();
    this.hooks = [];
    this.priorRequestMode = false;
  }

  takeThrottle(op: Route53Op): boolean {
    if (this.throttleLeft <= 0 || (this.throttleOps && !this.throttleOps.includes(op))) return false;
    this.throttleLeft--;
    return true;
  }

  isDenied(zoneId: string | undefined, op: Route53Op): boolean {
    if (zoneId === undefined || !this.denied.has(zoneId)) return false;
    const ops = this.denied.get(zoneId);
    return ops === undefined || ops.includes(op);
  }

  takeReset(): boolean {
    if (this.resetLeft <= 0) return false;
    this.resetLeft--;
    return true;
  }

  runHooks(store: Route53Store): void {
    const hooks = this.hooks;
    this.hooks = [];
    for (const h of hooks) h(store);
  }
}
