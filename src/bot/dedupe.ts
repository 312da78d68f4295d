// Slack redelivers a request it thinks was not acknowledged (`X-Slack-Retry-Num`). The engine's
// compare-and-set makes the effect happen once; this keeps the person from getting two replies.

export interface RecentKeys {
  /** True the first time a key is seen within the window; false for a repeat. */
  firstTime(key: string): boolean;
  readonly size: number;
}

export function createRecentKeys(
  opts: { ttlMs?: number; max?: number; now?: () => number } = {},
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
    firstTime(key) {
      const t = now();
      prune(t);
      const at = seen.get(key);
      if (at !== undefined && t - at < ttl) return false;
      seen.delete(key);
      seen.set(key, t);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
