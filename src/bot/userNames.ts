// Display names for Slack user ids (users.info), cached: the thread shows `@alice` instead of a mention,
// because a mention in a thread reply notifies the person.

export type UserNameFn = (userId: string) => Promise<string | undefined>;

/** Resolves up to 20 ids per call; names are kept an hour, failures retried after a minute. */
export function createUserNames(
  lookup: UserNameFn,
  now: () => number,
): (ids: readonly string[]) => Promise<Record<string, string>> {
  const cache = new Map<string, { until: number; name?: string }>();
  return async (ids) => {
    const out: Record<string, string> = {};
    for (const id of ids.slice(0, 20)) {
      let hit = cache.get(id);
      if (!hit || now() > hit.until) {
        const name = await lookup(id).catch(() => undefined);
        hit = { until: now() + (name ? 3_600_000 : 60_000), ...(name ? { name } : {}) };
        cache.set(id, hit);
      }
      if (hit.name) out[id] = hit.name;
    }
    return out;
  };
}
