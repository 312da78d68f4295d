// Pacing of this process's Route 53 requests with token buckets shaped like the ones Route 53 throttles
// with (developer guide, "Throttling for Amazon Route 53 API requests"): one for the account, one per
// operation, one for record changes. A request waits, in arrival order, until every bucket it draws from
// holds its tokens. Route 53 counts the whole account (other tools, other hikkoshi processes), so this
// only keeps hikkoshi itself under the limits; throttling that still happens is retried with backoff.

export interface BucketLimit {
  /** Burst: the most tokens the bucket holds. */
  capacity: number;
  /** Sustained rate: tokens added per second. */
  refillPerSecond: number;
}

export interface PacingOptions {
  /** Every request of the account: documented 50 burst, 10 per second. */
  account: BucketLimit;
  /** Each operation not listed in `operations`: documented default 50 burst, 10 per second. */
  perOperation: BucketLimit;
  /** Operations with a limit of their own (by Route 53 action name). */
  operations: Readonly<Record<string, BucketLimit>>;
  /**
   * Record changes of the account. The documented values were not at hand when this was written: set them
   * from the account's quota, the refill a little below it (no margin is kept in this bucket). Only
   * change batches draw from it; hikkoshi's batches hold a few changes.
   */
  changes: BucketLimit;
  /** Change tokens one UPSERT takes (Route 53 has counted an UPSERT as two changes). */
  upsertWeight: number;
  /**
   * Tokens of each request bucket's burst left unused, so that requests bunched up on the way (or a
   * clock that runs a little apart from Route 53's) do not find the service's bucket empty.
   */
  marginTokens: number;
}

export const ROUTE53_PACING: PacingOptions = {
  account: { capacity: 50, refillPerSecond: 10 },
  perOperation: { capacity: 50, refillPerSecond: 10 },
  operations: {},
  changes: { capacity: 1000, refillPerSecond: 100 },
  upsertWeight: 2,
  marginTokens: 5,
};

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  /** Milliseconds until `n` tokens are there (0: now). */
  waitMs(n: number, now: number): number {
    this.tokens = Math.min(
      this.capacity,
      this.tokens + (Math.max(0, now - this.at) / 1000) * this.refillPerSecond,
    );
    this.at = now;
    const need = Math.min(n, this.capacity) - this.tokens;
    return need <= 1e-9 ? 0 : Math.ceil((need / this.refillPerSecond) * 1000);
  }

  take(n: number): void {
    this.tokens -= Math.min(n, this.capacity);
  }
}

function checked(name: string, limit: BucketLimit, margin: number): BucketLimit {
  const capacity = limit.capacity - margin;
  if (!(capacity >= 1) || !(limit.refillPerSecond > 0) || !Number.isFinite(limit.refillPerSecond)) {
    throw new Error(
      `Route 53 pacing: the ${name} bucket (capacity ${limit.capacity}, refill ${limit.refillPerSecond}/s, margin ${margin}) admits nothing; give it a capacity above the margin and a positive refill rate`,
    );
  }
  return { capacity, refillPerSecond: limit.refillPerSecond };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Route53Pacer {
  private readonly opts: PacingOptions;
  private readonly account: Bucket;
  private readonly changes: Bucket;
  private readonly operations = new Map<string, Bucket>();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    opts: Partial<PacingOptions> = {},
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.opts = { ...ROUTE53_PACING, ...opts };
    const o = this.opts;
    const now = clock();
    const account = checked("account", o.account, o.marginTokens);
    this.account = new Bucket(account.capacity, account.refillPerSecond, now);
    checked("per-operation", o.perOperation, o.marginTokens);
    for (const [op, limit] of Object.entries(o.operations)) checked(op, limit, o.marginTokens);
    const changes = checked("changes", o.changes, 0);
    this.changes = new Bucket(changes.capacity, changes.refillPerSecond, now);
  }

  private bucketOf(op: string): Bucket {
    let b = this.operations.get(op);
    if (!b) {
      const limit = checked(op, this.opts.operations[op] ?? this.opts.perOperation, this.opts.marginTokens);
      b = new Bucket(limit.capacity, limit.refillPerSecond, this.clock());
      this.operations.set(op, b);
    }
    return b;
  }

  /** Change tokens a batch takes. */
  weightOf(actions: readonly (string | undefined)[]): number {
    return actions.reduce((a, action) => a + (action === "UPSERT" ? this.opts.upsertWeight : 1), 0);
  }

  /** Resolves when one `op` request (carrying `changes` change tokens) may be sent; first come, first served. */
  take(op: string, changes = 0): Promise<void> {
    const turn = this.tail.then(() => this.wait(op, changes));
    this.tail = turn.catch(() => {});
    return turn;
  }

  private async wait(op: string, changes: number): Promise<void> {
    const perOp = this.bucketOf(op);
    // Bounded: every bucket refills at a positive rate and a request never asks for more than its capacity.
    for (;;) {
      const now = this.clock();
      const ms = Math.max(
        this.account.waitMs(1, now),
        perOp.waitMs(1, now),
        changes > 0 ? this.changes.waitMs(changes, now) : 0,
      );
      if (ms === 0) break;
      await sleep(ms);
    }
    this.account.take(1);
    perOp.take(1);
    if (changes > 0) this.changes.take(changes);
  }
}
