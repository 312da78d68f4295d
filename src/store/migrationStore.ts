import type { Redis } from "ioredis";
import type { AuditEntry, HistoryEntry, MigrationEvent, MigrationView } from "../migration/commands.js";
import type { AuditDraft, TransitionResult } from "../migration/transitions/result.js";
import { isTerminal, type Migration, type Progress } from "../migration/types.js";
import { keys } from "./keys.js";
import { RedisLiveStore } from "./liveStore.js";
import { fromProgressFields, fromRecordFields, VIEW_FIELDS } from "./recordFields.js";
import { ACTIVE_VIEWS } from "./scripts/activeViews.js";
import { APPEND_CAPPED } from "./scripts/appendCapped.js";
import { COMPARE_AND_SET } from "./scripts/compareAndSet.js";
import { CREATE_MIGRATION } from "./scripts/createMigration.js";

const DAY_MS = 86_400_000;

type StoreRedis = Redis & {
  hikkoshiCreate(...args: Array<string | number>): Promise<[number, string]>;
  hikkoshiCas(...args: Array<string | number>): Promise<[number, number]>;
  hikkoshiAppendCapped(...args: Array<string | number>): Promise<number>;
  hikkoshiActiveViews(key: string, ...args: string[]): Promise<ActiveRow[]>;
};

/** One row of ACTIVE_VIEWS: id, the VIEW_FIELDS values, the progress hash flattened. */
type ActiveRow = [string, string | null, string | null, string | null, string | null, string[]];

export type CreateResult = { ok: true; migration: Migration } | { ok: false; holder: string };

/** What `transact` did: a rejection, a commit, or nothing to change (a redelivered no-op). */
export type TransactResult = TransitionResult & { committed: boolean };

function auditFields(e: AuditDraft, at: number): string[] {
  return ["at", String(at), "actor", e.actor, "action", e.action, "outcome", e.outcome, "detail", e.detail];
}

/** Refusals kept per migration before further ones are only counted. */
export const MIGRATION_DENIALS_CAP = 1000;
/** Entries kept per environment stream (refusals that concern no migration). */
export const ENV_AUDIT_CAP = 10_000;

function auditJson(a: AuditDraft, at: number): string {
  return JSON.stringify({
    at: String(at),
    actor: a.actor,
    action: a.action,
    outcome: a.outcome,
    detail: a.detail,
  });
}

/**
 * The migration record in Redis: one hash per migration (`json`, `version`), changed only through the
 * compare-and-set script, with its audit stream, step data and progress beside it.
 */
export class MigrationStore {
  private readonly redis: StoreRedis;
  private live: RedisLiveStore | undefined;

  constructor(
    redis: Redis,
    private readonly retentionDays: number,
    /** Called after each committed change (`before` undefined on create); the metrics count from it. */
    private readonly onCommit?: (before: Migration | undefined, after: Migration) => void,
  ) {
    redis.defineCommand("hikkoshiCreate", { numberOfKeys: 4, lua: CREATE_MIGRATION });
    redis.defineCommand("hikkoshiCas", { numberOfKeys: 5, lua: COMPARE_AND_SET });
    redis.defineCommand("hikkoshiAppendCapped", { numberOfKeys: 2, lua: APPEND_CAPPED });
    redis.defineCommand("hikkoshiActiveViews", { numberOfKeys: 1, lua: ACTIVE_VIEWS });
    this.redis = redis as StoreRedis;
  }

  /** Takes the environment lock and writes `draft` (its `id` is assigned here: `<env>-YYYYMMDD-N`). */
  async create(draft: Migration, audit: AuditDraft): Promise<CreateResult> {
    const day = new Date(draft.createdAt).toISOString().slice(0, 10).replaceAll("-", "");
    const placeholder = "__HIKKOSHI_ID__";
    const json = JSON.stringify({ ...draft, id: placeholder });
    const [ok, value] = await this.redis.hikkoshiCreate(
      keys.envLock(draft.env),
      keys.envSequence(draft.env, day),
      keys.active(),
      keys.envHistory(draft.env),
      `${draft.env}-${day}-`,
      json,
      draft.createdAt,
      auditJson(audit, draft.createdAt),
      draft.createdAt - this.retentionDays * DAY_MS,
      keys.events(),
      keys.migrationPrefix,
    );
    if (ok !== 1) return { ok: false, holder: value };
    this.onCommit?.(undefined, { ...draft, id: value });
    return { ok: true, migration: { ...draft, id: value } };
  }

  async get(id: string): Promise<Migration | undefined> {
    const [json, slack, cursor, rendered] = await this.redis.hmget(keys.migration(id), ...VIEW_FIELDS);
    return fromRecordFields(json ?? null, slack ?? null, cursor ?? null, rendered ?? null);
  }

  /** The bot's Slack bookkeeping on the same connection (see RedisLiveStore). */
  liveStore(): RedisLiveStore {
    this.live ??= new RedisLiveStore(this.redis, this.retentionDays);
    return this.live;
  }

  /**
   * Read, apply the pure transition, compare-and-set; on a version conflict re-read and re-apply (the
   * transition itself decides whether a stale input is still acceptable). Exactly one of any number of
   * racing callers commits a given change.
   */
  async transact(
    id: string,
    fn: (m: Migration) => TransitionResult,
    now: () => number = Date.now,
  ): Promise<TransactResult> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.get(id);
      if (!current)
        return {
          ok: false,
          rejection: { code: "not-found", message: `no migration ${id}` },
          committed: false,
        };
      const result = fn(current);
      if (!result.ok) return { ...result, committed: false };
      if (result.migration.version === current.version) return { ...result, committed: false };
      const { slack: _viewOnly, ...m } = result.migration; // the Slack ref lives in its own fields
      const at = now();
      const [ok] = await this.redis.hikkoshiCas(
        keys.migration(id),
        keys.audit(id),
        keys.envLock(m.env),
        keys.active(),
        keys.data(id),
        current.version,
        JSON.stringify(m),
        m.version,
        isTerminal(m.status) ? 1 : 0,
        id,
        this.retentionDays * DAY_MS,
        keys.events(),
        keys.progress(id),
        ...result.audit.map((a) => auditJson(a, at)),
      );
      if (ok === 1) {
        this.onCommit?.(current, result.migration);
        return { ...result, committed: true };
      }
      if (ok === -1)
        return {
          ok: false,
          rejection: { code: "not-found", message: `no migration ${id}` },
          committed: false,
        };
    }
    throw new Error(`could not commit a transition of ${id}: too much contention`);
  }

  /** Refusals without a migration (e.g. an unauthorised start), capped per environment. */
  async auditEnv(env: string, entry: AuditDraft, at: number): Promise<void> {
    await this.appendCapped(
      keys.envAudit(env),
      { key: keys.envAuditDropped(env), field: "dropped" },
      ENV_AUDIT_CAP,
      entry,
      at,
    );
  }

  async envAuditSince(env: string, afterId: string, limit = 100): Promise<AuditEntry[]> {
    return this.readAudit(keys.envAudit(env), afterId, limit);
  }

  /** Entries left out of capped audit streams: the migration's refusals, or an environment's. */
  async auditDropped(target: { migrationId: string } | { env: string }): Promise<number> {
    const raw =
      "migrationId" in target
        ? await this.redis.hget(keys.migration(target.migrationId), "auditDropped")
        : await this.redis.hget(keys.envAuditDropped(target.env), "dropped");
    return Number(raw ?? 0);
  }

  /**
   * One audit entry. Refusals are capped per migration (someone clicking all night must not grow Redis
   * without bound); what the engine itself records is not.
   */
  async audit(id: string, entry: AuditDraft, at: number): Promise<void> {
    if (entry.outcome === "denied") {
      const appended = await this.appendCapped(
        keys.audit(id),
        { key: keys.migration(id), field: "auditDropped" },
        MIGRATION_DENIALS_CAP,
        entry,
        at,
      );
      if (!appended) return;
    } else await this.redis.call("XADD", keys.audit(id), "*", ...auditFields(entry, at));
    await this.publish({ migrationId: id, version: 0, kind: "audit" });
  }

  private async appendCapped(
    stream: string,
    counter: { key: string; field: string },
    cap: number,
    e: AuditDraft,
    at: number,
  ): Promise<boolean> {
    const res = await this.redis.hikkoshiAppendCapped(
      stream,
      counter.key,
      cap,
      counter.field,
      ...auditFields(e, at),
    );
    return res === 1;
  }

  auditSince(id: string, afterId: string, limit = 100): Promise<AuditEntry[]> {
    return this.readAudit(keys.audit(id), afterId, limit);
  }

  private async readAudit(key: string, afterId: string, limit: number): Promise<AuditEntry[]> {
    const start = afterId === "0" || afterId === "" ? "-" : `(${afterId}`;
    const rows = await this.redis.xrange(key, start, "+", "COUNT", limit);
    return rows.map(([streamId, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return {
        id: streamId,
        at: Number(f.at),
        actor: f.actor ?? "system",
        action: f.action ?? "",
        outcome: (f.outcome ?? "info") as AuditEntry["outcome"],
        detail: f.detail ?? "",
      };
    });
  }

  async setProgress(id: string, stepId: string, p: Progress): Promise<void> {
    await this.redis.hset(keys.progress(id), stepId, JSON.stringify(p));
    await this.publish({ migrationId: id, version: 0, kind: "progress" });
  }

  async progress(id: string): Promise<Record<string, Progress>> {
    return fromProgressFields(await this.redis.hgetall(keys.progress(id)));
  }

  async dataGet<T>(id: string, key: string): Promise<T | undefined> {
    const v = await this.redis.hget(keys.data(id), key);
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  /** HSETNX: the first value written wins, so a snapshot is never replaced by a later, changed state. */
  async dataOnce<T>(id: string, key: string, value: T): Promise<T> {
    await this.redis.hsetnx(keys.data(id), key, JSON.stringify(value));
    return (await this.dataGet<T>(id, key)) as T;
  }

  async dataSet<T>(id: string, key: string, value: T): Promise<void> {
    await this.redis.hset(keys.data(id), key, JSON.stringify(value));
  }

  async lockHolder(env: string): Promise<string | undefined> {
    return (await this.redis.get(keys.envLock(env))) ?? undefined;
  }

  /** Every active migration with its progress, oldest first, in one round trip (`/migrate status`). */
  async activeViews(): Promise<MigrationView[]> {
    const rows = await this.redis.hikkoshiActiveViews(
      keys.active(),
      keys.migrationPrefix,
      keys.progress("").slice(keys.migration("").length),
      ...VIEW_FIELDS,
    );
    const out: MigrationView[] = [];
    for (const [, json, slack, cursor, rendered, progress] of rows) {
      const migration = fromRecordFields(json, slack, cursor, rendered);
      if (migration) out.push({ migration, progress: fromProgressFields(progress) });
    }
    return out.sort((a, b) => a.migration.createdAt - b.migration.createdAt);
  }

  async activeIds(): Promise<string[]> {
    return this.redis.smembers(keys.active());
  }

  async history(env: string, limit: number): Promise<HistoryEntry[]> {
    const ids = await this.redis.zrevrange(keys.envHistory(env), 0, limit - 1);
    const out: HistoryEntry[] = [];
    for (const id of ids) {
      const m = await this.get(id);
      if (!m) continue; // expired by retention
      out.push({
        id: m.id,
        status: m.status,
        source: m.source,
        target: m.target,
        startedBy: m.startedBy,
        createdAt: m.createdAt,
        ...(m.finishedAt !== undefined ? { finishedAt: m.finishedAt } : {}),
      });
    }
    return out;
  }

  async publish(event: MigrationEvent): Promise<void> {
    await this.redis.publish(keys.events(), JSON.stringify(event));
  }
}

export const EVENTS_CHANNEL = keys.events();
