import type { Redis } from "ioredis";
import type { LeaseState, LiveRecord, LiveRef, LiveStore } from "../bot/live/store.js";
import { keys, liveFields } from "./keys.js";
import { ACQUIRE_LEASE, CLAIM_REF, NOTE_REFUSAL, RELEASE_LEASE } from "./scripts/live.js";

type LiveRedis = Redis & {
  hikkoshiAcquireLease(key: string, owner: string, ttlMs: number): Promise<[string, number]>;
  hikkoshiReleaseLease(key: string, owner: string): Promise<number>;
  hikkoshiClaimRef(key: string, field: string, json: string): Promise<string | null>;
  hikkoshiNoteRefusal(
    key: string,
    refusal: string,
    entryId: string,
    ttlMs: number,
  ): Promise<[number, string | null]>;
};

const DAY_MS = 86_400_000;

function refJson(ref: LiveRef): string {
  return JSON.stringify({ channel: ref.channel, ts: ref.ts });
}

/**
 * The bot's Slack bookkeeping on Redis. The fields live in the migration hash (so they expire with the
 * record) but only this class writes them; transitions never touch them, so they never bump `version`.
 */
export class RedisLiveStore implements LiveStore {
  private readonly redis: LiveRedis;

  constructor(
    redis: Redis,
    private readonly retentionDays: number,
  ) {
    redis.defineCommand("hikkoshiAcquireLease", { numberOfKeys: 1, lua: ACQUIRE_LEASE });
    redis.defineCommand("hikkoshiReleaseLease", { numberOfKeys: 1, lua: RELEASE_LEASE });
    redis.defineCommand("hikkoshiClaimRef", { numberOfKeys: 1, lua: CLAIM_REF });
    redis.defineCommand("hikkoshiNoteRefusal", { numberOfKeys: 1, lua: NOTE_REFUSAL });
    this.redis = redis as LiveRedis;
  }

  async read(id: string): Promise<LiveRecord> {
    const [ref, cursor, rendered, report] = await this.redis.hmget(
      keys.migration(id),
      liveFields.ref,
      liveFields.threadCursor,
      liveFields.renderedVersion,
      liveFields.reportPosted,
    );
    return {
      ...(ref ? { ref: JSON.parse(ref) as LiveRef } : {}),
      ...(cursor ? { threadCursor: cursor } : {}),
      ...(rendered ? { renderedVersion: Number(rendered) } : {}),
      reportPosted: report === "1",
    };
  }

  async setRef(id: string, ref: LiveRef): Promise<void> {
    await this.redis.hset(keys.migration(id), liveFields.ref, refJson(ref));
  }

  async claimRef(id: string, ref: LiveRef): Promise<LiveRef> {
    const stored = await this.redis.hikkoshiClaimRef(keys.migration(id), liveFields.ref, refJson(ref));
    return stored ? (JSON.parse(stored) as LiveRef) : ref;
  }

  async setRenderedVersion(id: string, version: number): Promise<void> {
    await this.redis.hset(keys.migration(id), liveFields.renderedVersion, String(version));
  }

  async setThreadCursor(id: string, auditId: string): Promise<void> {
    await this.redis.hset(keys.migration(id), liveFields.threadCursor, auditId);
  }

  async markReportPosted(id: string): Promise<void> {
    await this.redis.hset(keys.migration(id), liveFields.reportPosted, "1");
  }

  async acquireLease(id: string, owner: string, ttlMs: number): Promise<LeaseState> {
    const [holder, ttl] = await this.redis.hikkoshiAcquireLease(keys.liveOwner(id), owner, ttlMs);
    return { owner: holder, ttlMs: Math.max(0, Number(ttl)) };
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.redis.hikkoshiReleaseLease(keys.liveOwner(id), owner);
  }

  async noteRefusal(id: string, key: string, entryId: string): Promise<{ count: number; lineTs?: string }> {
    const [count, ts] = await this.redis.hikkoshiNoteRefusal(
      keys.refusals(id),
      key,
      entryId,
      this.retentionDays * DAY_MS,
    );
    return { count: Number(count), ...(typeof ts === "string" ? { lineTs: ts } : {}) };
  }

  async setRefusalLine(id: string, key: string, ts: string): Promise<void> {
    await this.redis.hset(keys.refusals(id), `${key}#ts`, ts);
  }

  async claimRequestOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(keys.idempotency(`slack.${key}`), "1", "EX", ttlSeconds, "NX")) === "OK";
  }
}
