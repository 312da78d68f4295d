// Route 53's API throttling, as the developer guide ("Throttling for Amazon Route 53 API requests")
// describes it: token buckets per account, per account and operation, and for record changes. A request
// takes a token from the account bucket and from its operation's bucket, and is throttled (HTTP 400,
// `Throttling`, "Rate exceeded") when either is empty; a change batch also takes one token per record
// change from the change bucket. A throttled request takes nothing. Buckets start full and refill
// continuously up to their capacity.

import type { Route53Op } from "./faults.js";

export interface BucketLimit {
  /** Burst: the most tokens the bucket holds. */
  capacity: number;
  /** Sustained rate: tokens added per second. */
  refillPerSecond: number;
}

export interface Route53Limits {
  /** Every request of the account (documented: 50 burst, 10 per second). */
  account: BucketLimit;
  /** Each operation not listed in `operations` (documented default: 50 burst, 10 per second). */
  perOperation: BucketLimit;
  /** Operations with their own limit (the guide lists lower ones for some, none of those hikkoshi calls). */
  operations: Partial<Record<Route53Op, BucketLimit>>;
  /**
   * Record changes of the account. The guide's table of values was not in the copy this host was built
   * from: the default is a stand-in, equal to the product's default (src/dns/route53/pacing.ts).
   */
  changes: BucketLimit;
  /** Tokens one UPSERT takes from the change bucket (Route 53 has counted an UPSERT as two changes). */
  upsertWeight: number;
}

export const DOCUMENTED_LIMITS: Route53Limits = {
  account: { capacity: 50, refillPerSecond: 10 },
  perOperation: { capacity: 50, refillPerSecond: 10 },
  operations: {},
  changes: { capacity: 1000, refillPerSecond: 100 },
  upsertWeight: 2,
};

export type ThrottledBy = "account" | "operation" | "changes";

/** Refill is summed in floating point: a token short by rounding alone still counts. */
const EPSILON = 1e-9;

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.capacity;
    this.at = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.limit.capacity, this.tokens + elapsed * this.limit.refillPerSecond);
    this.at = now;
  }

  has(n: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= n - EPSILON;
  }

  take(n: number): void {
    this.tokens -= n;
  }
}

export class Route53Throttle {
  private limits: Route53Limits | undefined;
  private account!: Bucket;
  private changes!: Bucket;
  private readonly operations = new Map<Route53Op, Bucket>();

  constructor(
    limits: Route53Limits | undefined,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.configure(limits);
  }

  /** New limits (or `undefined`: no throttling), with full buckets. */
  configure(limits: Route53Limits | undefined): void {
    this.limits = limits;
    const now = this.clock();
    this.operations.clear();
    if (!limits) return;
    this.account = new Bucket(limits.account, now);
    this.changes = new Bucket(limits.changes, now);
  }

  get current(): Route53Limits | undefined {
    return this.limits;
  }

  private bucketOf(op: Route53Op, limits: Route53Limits): Bucket {
    let b = this.operations.get(op);
    if (!b) {
      b = new Bucket(limits.operations[op] ?? limits.perOperation, this.clock());
      this.operations.set(op, b);
    }
    return b;
  }

  /** Takes a request token from the account and operation buckets; which one was empty, if any. */
  admitRequest(op: Route53Op): ThrottledBy | undefined {
    const limits = this.limits;
    if (!limits) return undefined;
    const now = this.clock();
    const perOp = this.bucketOf(op, limits);
    if (!this.account.has(1, now)) return "account";
    if (!perOp.has(1, now)) return "operation";
    this.account.take(1);
    perOp.take(1);
    return undefined;
  }

  /** Takes one token per record change of a batch (UPSERTs weigh `upsertWeight`); false when empty. */
  admitChanges(actions: readonly string[]): boolean {
    const limits = this.limits;
    if (!limits) return true;
    const n = actions.reduce((a, action) => a + (action === "UPSERT" ? limits.upsertWeight : 1), 0);
    if (!this.changes.has(n, this.clock())) return false;
    this.changes.take(n);
    return true;
  }
}
