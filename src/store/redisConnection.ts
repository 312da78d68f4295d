// Every Redis connection hikkoshi opens (its own and BullMQ's) comes from REDIS_URL through here, so TLS
// and Sentinel work the same for all of them. Forms:
//   redis://[user:password@]host[:port][/db]                      one node
//   rediss://...                                                  one node over TLS
//   redis+sentinel://[user:password@]host[:port][,host:port...]/<master name>[/db][?sentinelPassword=...]
//   rediss+sentinel://...                                         Sentinel, TLS to the sentinels and the nodes

import { Redis, type RedisOptions } from "ioredis";

export interface SentinelAddress {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: "node"; url: string; tls: boolean }
  | {
      kind: "sentinel";
      sentinels: SentinelAddress[];
      name: string;
      db: number;
      tls: boolean;
      username?: string;
      password?: string;
      sentinelPassword?: string;
    };

export const DEFAULT_SENTINEL_PORT = 26379;

const FORMS =
  "redis://host:6379, rediss://host:6380 (TLS), or redis+sentinel://host:26379,host2:26379/<master name> (rediss+sentinel:// for TLS)";

export class RedisUrlError extends Error {
  constructor(reason: string) {
    super(`REDIS_URL ${reason}; use ${FORMS}`);
    this.name = "RedisUrlError";
  }
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(`has a ${what} with a malformed %-escape`);
  }
}

function parseAddress(part: string): SentinelAddress {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(part);
  if (!m) throw new RedisUrlError(`has a sentinel address "${part}" that is not host[:port]`);
  const port = m[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`has a sentinel port ${port} out of range`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

function parseSentinel(rest: string, tls: boolean): RedisTarget {
  const q = rest.indexOf("?");
  const query = new URLSearchParams(q === -1 ? "" : rest.slice(q + 1));
  const body = q === -1 ? rest : rest.slice(0, q);
  const slash = body.indexOf("/");
  const authority = slash === -1 ? body : body.slice(0, slash);
  const path = slash === -1 ? [] : body.slice(slash + 1).split("/");
  const at = authority.lastIndexOf("@");
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hosts = (at === -1 ? authority : authority.slice(at + 1)).split(",").filter((h) => h !== "");
  if (hosts.length === 0) throw new RedisUrlError("names no sentinel");
  const name = decode(path[0] ?? "", "master name");
  if (name === "") throw new RedisUrlError("names no Sentinel master (the path, e.g. /mymaster)");
  const db = path[1] === undefined || path[1] === "" ? 0 : Number(path[1]);
  if (!Number.isInteger(db) || db < 0)
    throw new RedisUrlError(`has a database "${path[1]}" that is not a number`);
  const target: RedisTarget = { kind: "sentinel", sentinels: hosts.map(parseAddress), name, db, tls };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    const user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon), "user name");
    const password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1), "password");
    if (password === undefined) target.password = user;
    else {
      if (user !== "") target.username = user;
      target.password = password;
    }
  }
  const sentinelPassword = query.get("sentinelPassword");
  if (sentinelPassword !== null) target.sentinelPassword = sentinelPassword;
  return target;
}

/** Parses REDIS_URL; every refusal names the forms that work. Never echoes the URL (it may hold a password). */
export function parseRedisUrl(raw: string): RedisTarget {
  const m = /^([a-z+]+):\/\/(.*)$/i.exec(raw.trim());
  if (!m) throw new RedisUrlError("is not a URL");
  const scheme = m[1]!.toLowerCase();
  switch (scheme) {
    case "redis":
    case "rediss": {
      try {
        const u = new URL(raw.trim());
        if (u.hostname === "") throw new RedisUrlError("names no host");
      } catch (err) {
        if (err instanceof RedisUrlError) throw err;
        throw new RedisUrlError("is not a valid URL");
      }
      return { kind: "node", url: raw.trim(), tls: scheme === "rediss" };
    }
    case "redis+sentinel":
    case "rediss+sentinel":
      return parseSentinel(m[2]!, scheme === "rediss+sentinel");
    case "redis+cluster":
    case "rediss+cluster":
      throw new RedisClusterUnsupported();
    default:
      throw new RedisUrlError(`has the scheme "${scheme}:", which hikkoshi does not speak`);
  }
}

export class RedisClusterUnsupported extends Error {
  constructor() {
    super(
      "Redis Cluster is not supported: a migration's keys (record, audit, lock, history) are written together by one script and cannot live on different shards. Use one Redis node with a replica under Sentinel (redis+sentinel://...) or a managed Redis with cluster mode off",
    );
    this.name = "RedisClusterUnsupported";
  }
}

/** A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel names the new one) and resend. */
function reconnectOnError(err: Error): 2 | false {
  return err.message.startsWith("READONLY") ? 2 : false;
}

export function redisOptions(target: RedisTarget, extra: RedisOptions = {}): RedisOptions {
  switch (target.kind) {
    case "node":
      return { reconnectOnError, ...extra };
    case "sentinel":
      return {
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        role: "master",
        failoverDetector: true,
        ...(target.username !== undefined ? { username: target.username } : {}),
        ...(target.password !== undefined ? { password: target.password } : {}),
        ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        reconnectOnError,
        ...extra,
      };
  }
}

/** Opens a connection to what REDIS_URL names (throws RedisUrlError for a URL it cannot use). */
export function openRedis(url: string, extra: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  return target.kind === "node"
    ? new Redis(target.url, redisOptions(target, extra))
    : new Redis(redisOptions(target, extra));
}

/** Start-up check: a Redis Cluster node is refused with the reason and what to use instead. */
export async function refuseRedisCluster(redis: Redis): Promise<void> {
  const info = await redis.info("cluster").catch(() => "");
  if (/^cluster_enabled:1\s*$/m.test(info)) throw new RedisClusterUnsupported();
}
