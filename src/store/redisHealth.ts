import type { Redis } from "ioredis";

/**
 * Redis is the source of truth for every migration: it must not evict keys and must persist. Returns
 * warnings (empty when all is well) for the log at start-up; managed Redis may refuse CONFIG, which is
 * reported as a warning too, not an error.
 */
export async function redisHealthWarnings(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
    if (policy !== "noeviction") {
      warnings.push(
        `Redis maxmemory-policy is "${policy}": set it to "noeviction", or Redis may drop migration state under memory pressure`,
      );
    }
    const [, aof] = (await redis.config("GET", "appendonly")) as [string, string];
    const [, save] = (await redis.config("GET", "save")) as [string, string];
    if (aof !== "yes" && (save ?? "").trim() === "") {
      warnings.push(
        "Redis has no persistence (appendonly no, no save points): enable AOF (appendonly yes) so a Redis restart loses nothing",
      );
    } else if (aof !== "yes") {
      warnings.push(
        "Redis persists by RDB snapshots only: enable AOF (appendonly yes) so a restart loses no transition",
      );
    }
  } catch (err) {
    warnings.push(
      `could not read Redis config (${(err as Error).message}); make sure it runs with noeviction and AOF`,
    );
  }
  return warnings;
}
