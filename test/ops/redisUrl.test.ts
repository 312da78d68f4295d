import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readSettings, SettingsError } from "../../src/app/settings.js";
import {
  parseRedisUrl,
  RedisClusterUnsupported,
  RedisUrlError,
  redisOptions,
} from "../../src/store/redisConnection.js";

describe("REDIS_URL", () => {
  it("one node, plain or TLS", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6379")).toEqual({
      kind: "node",
      url: "redis://127.0.0.1:6379",
      tls: false,
    });
    const tls = parseRedisUrl("rediss://:pw@redis.internal:6380/2");
    expect(tls).toMatchObject({ kind: "node", tls: true });
  });

  it("Sentinel: several sentinels, default port, master name, db, credentials, sentinel password", () => {
    const t = parseRedisUrl(
      "redis+sentinel://app:s%40cret@s1.internal,s2.internal:26380,[::1]:26381/mymaster/3?sentinelPassword=sp",
    );
    expect(t).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s1.internal", port: 26379 },
        { host: "s2.internal", port: 26380 },
        { host: "::1", port: 26381 },
      ],
      name: "mymaster",
      db: 3,
      tls: false,
      username: "app",
      password: "s@cret",
      sentinelPassword: "sp",
    });
    const opts = redisOptions(parseRedisUrl("rediss+sentinel://pw@s1:26379/cache"));
    expect(opts).toMatchObject({
      sentinels: [{ host: "s1", port: 26379 }],
      name: "cache",
      role: "master",
      password: "pw",
      enableTLSForSentinelMode: true,
      tls: {},
    });
  });

  it("refuses Cluster and unusable URLs with the forms that work", () => {
    expect(() => parseRedisUrl("redis+cluster://a:7000,b:7001")).toThrow(RedisClusterUnsupported);
    expect(() => parseRedisUrl("redis+cluster://a:7000")).toThrow(/Sentinel/);
    expect(() => parseRedisUrl("redis+sentinel://s1:26379")).toThrow(
      /master \(the path, e\.g\. \/mymaster\)/,
    );
    expect(() => parseRedisUrl("redis+sentinel://s1:99999/m")).toThrow(/out of range/);
    expect(() => parseRedisUrl("memcached://x")).toThrow(/scheme "memcached:".*redis\+sentinel:\/\//);
    expect(() => parseRedisUrl("127.0.0.1:6379")).toThrow(RedisUrlError);
    expect(() => parseRedisUrl("redis+sentinel://u:%E0%A4%A@s1/m")).toThrow(
      /password with a malformed %-escape/,
    );
  });

  it("settings accept the Sentinel form and report a bad URL with every other problem", () => {
    const s = readSettings({
      HIKKOSHI_CONFIG: "x.yaml",
      HIKKOSHI_ROLE: "worker",
      REDIS_URL: "redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster",
    });
    expect(s.REDIS_URL).toContain("redis+sentinel://");
    expect(s.OPS_PORT).toBe(9090);
    try {
      readSettings({ HIKKOSHI_ROLE: "worker", REDIS_URL: "redis+cluster://a:7000" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      const problems = (err as SettingsError).problems.join("\n");
      expect(problems).toMatch(/REDIS_URL: Redis Cluster is not supported/);
      expect(problems).toMatch(/HIKKOSHI_CONFIG: required/);
    }
  });

  it("hostile input: only our own errors, and never the password in the message", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .tuple(
              fc.constantFrom("redis", "rediss", "redis+sentinel", "rediss+sentinel", "redis+cluster", "x"),
              fc.string(),
            )
            .map(([s, rest]) => `${s}://${rest}`),
        ),
        (raw) => {
          const secret = "hunter2-SECRET";
          const url = raw.replace("://", `://user:${secret}@`);
          try {
            parseRedisUrl(url);
          } catch (err) {
            expect(err instanceof RedisUrlError || err instanceof RedisClusterUnsupported).toBe(true);
            expect((err as Error).message).not.toContain(secret);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
