import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisHealthWarnings } from "../../src/store/redisHealth.js";
import { type RedisServerHandle, startRedisServer } from "../support/redisServer.js";

let redis: RedisServerHandle;
let client: Redis;
beforeAll(async () => {
  redis = await startRedisServer({ aof: true });
  client = new Redis(redis.url);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe("Redis start-up check", () => {
  it("is quiet for noeviction with AOF", async () => {
    expect(await redisHealthWarnings(client)).toEqual([]);
  });

  it("warns about an evicting policy and about missing persistence, naming the setting to change", async () => {
    await client.config("SET", "maxmemory-policy", "allkeys-lru");
    await client.config("SET", "appendonly", "no");
    await client.config("SET", "save", "");
    const warnings = await redisHealthWarnings(client);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"allkeys-lru": set it to "noeviction"');
    expect(warnings[1]).toContain("appendonly yes");
    await client.config("SET", "save", "3600 1");
    expect((await redisHealthWarnings(client))[1]).toContain("RDB snapshots only");
    await client.config("SET", "maxmemory-policy", "noeviction");
    await client.config("SET", "appendonly", "yes");
  });
});
