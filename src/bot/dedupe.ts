// Slack redelivers a request it thinks was not acknowledged (`X-Slack-Retry-Num`). The engine's
// compare-and-set makes the effect happen once; this keeps the person from getting two replies.

export interface RecentKeys {
  /**
   * True the first time a key is seen within the window; false for a repeat. With `shared`, a key seen
   * by another bot process (Slack may redeliver to any replica) counts as seen too.
   */
  firstTime(key: string): Promise<boolean>;
  /** The local half of `firstTime`, synchronous: true the first time this process sees the key. */
  firstTimeHere(key: string): boolean;
  /**
   * The cross-process half: true unless another bot process claimed the key first (always true without
   * `shared`). Kept apart so an ack never waits on Redis: ack, then claim, in the work behind the ack.
   */
  claim(key: string): Promise<boolean>;
  readonly size: number;
}

export function createRecentKeys(
  opts: {
    ttlMs?: number;
    max?: number;
    now?: () => number;
    /** Cross-process claim (Redis SET NX EX); if it fails, the local answer stands. */
    shared?: (key: string, ttlSeconds: number) => Promise<boolean>;
  } = {},
): RecentKeys {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, number>();
  const prune = (t: number) => {
    for (const [k, at] of seen) {
      if (t - at < ttl && seen.size <= max) break;
      seen.delete(k);
    }
  };
  const firstTimeHere = (key: string): boolean => {
    const t = now();
    prune(t);
    const at = seen.get(key);
    if (at !== undefined && t - at < ttl) return false;
    seen.delete(key);
    seen.set(key, t);
    return true;
  };
  const claim = async (key: string): Promise<boolean> => {
    if (!opts.shared) return true;
    // Called after an ack, as work behind it: the listeners run it once the acks waiting to go out are
    // out (ackGate.ts). One Redis SET NX, so a redelivery to another replica gets no second answer.
    try {
      return await opts.shared(key, Math.ceil(ttl / 1000));
    } catch {
      return true; // Redis unreachable: the engine's compare-and-set still keeps the effect single
    }
  };
  return {
    async firstTime(key) {
      return firstTimeHere(key) && (await claim(key));
    },
    firstTimeHere,
    claim,
    get size() {
      return seen.size;
    },
  };
}
