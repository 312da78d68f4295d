// Slack redelivers a request it thinks was not acknowledged (`X-Slack-Retry-Num`). The engine's
// compare-and-set makes the effect happen once; this keeps the person from getting two replies.

export interface RecentKeys {
  /**
   * True the first time a key is seen within the window; false for a repeat. With `shared`, a key seen
   * by another bot process (Slack may redeliver to any replica) counts as seen too.
   */
  firstTime(key: string): Promise<boolean>;
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
  return {
    async firstTime(key) {
      const t = now();
      prune(t);
      const at = seen.get(key);
      if (at !== undefined && t - at < ttl) return false;
      seen.delete(key);
      seen.set(key, t);
      if (!opts.shared) return true;
      try {
        return await opts.shared(key, Math.ceil(ttl / 1000));
      } catch {
        return true; // Redis unreachable: the engine's compare-and-set still keeps the effect single
      }
    },
    get size() {
      return seen.size;
    },
  };
}
