import type {
  Actor,
  CommandResult,
  MigrationCommands,
  MigrationEvent,
  MigrationSelector,
  MigrationView,
  PlanPreview,
  Rejection,
} from "../migration/commands.js";
import { previousAnswersExpireAt } from "../migration/drain.js";
import { fixOf } from "../migration/errors.js";
import { buildPlan } from "../migration/plan.js";
import type { DnsChangeReport, DnsPointing, HandoffReport } from "../migration/ports.js";
import { buildReport, type MigrationReport } from "../migration/report.js";
import { DATA } from "../migration/steps/dataKeys.js";
import { chooseClusters } from "../migration/targetSelection.js";
import { createMigration } from "../migration/transitions/forward.js";
import { abortMigration, approveGate } from "../migration/transitions/gates.js";
import { retryHaltedStep } from "../migration/transitions/retry.js";
import { requestRollback } from "../migration/transitions/rollback.js";
import type { Migration } from "../migration/types.js";
import { EVENTS_CHANNEL } from "../store/migrationStore.js";
import { openRedis } from "../store/redisConnection.js";
import { commit, type EngineRuntime } from "./runtime.js";

/**
 * A DNS read that failed with an error its provider wrote for a person (a `fix`: the zone is missing or
 * refused, or Route 53 kept throttling after every retry), as the answer to the command instead of an
 * internal error. Anything else stays an internal failure.
 */
function dnsRefusal(env: string, err: unknown): Rejection | undefined {
  const fix = fixOf(err);
  if (!(err instanceof Error) || fix === undefined) return undefined;
  return {
    code: "unavailable",
    message: `nothing was started: cannot read where ${env}'s DNS points. ${err.message}; ${fix}`,
  };
}

type Resolved = { ok: true; id: string } | { ok: false; rejection: { code: "not-found"; message: string } };

/** The engine's front door: every command is a transition committed by compare-and-set. */
export class EngineCommands implements MigrationCommands {
  constructor(
    private readonly rt: EngineRuntime,
    private readonly redisUrl: string,
  ) {}

  private envOrError(env: string) {
    const cfg = this.rt.config.environments[env];
    if (!cfg) {
      const known = Object.keys(this.rt.config.environments).join(", ");
      return {
        ok: false as const,
        rejection: {
          code: "not-found" as const,
          message: `unknown environment "${env}"; configured: ${known}`,
        },
      };
    }
    return { ok: true as const, cfg };
  }

  private async choose(env: string, targetCluster?: string) {
    const e = this.envOrError(env);
    if (!e.ok) return e;
    const probe = {
      migrationId: "preview",
      envName: env,
      env: e.cfg,
      source: e.cfg.clusters[0]!,
      target: e.cfg.clusters[1]!,
    };
    const clusters = await Promise.all(
      e.cfg.clusters.map(async (c) => ({
        name: c.name,
        hostname:
          c.ingress.hostname ??
          (await this.rt.ports.clusters.ingressHostname(c, e.cfg).catch(() => undefined)),
      })),
    );
    let pointing: DnsPointing;
    try {
      pointing = await this.rt.ports.traffic.pointing(probe, clusters);
    } catch (err) {
      const refusal = dnsRefusal(env, err);
      if (refusal) return { ok: false as const, rejection: refusal };
      throw err;
    }
    const choice = chooseClusters(env, e.cfg, pointing.cluster, targetCluster);
    if (!choice.ok)
      return { ok: false as const, rejection: { code: "not-found" as const, message: choice.message } };
    return { ok: true as const, cfg: e.cfg, choice, read: pointing.read };
  }

  /** Resolve the migration, apply one domain transition to it in the store, and answer with the result. */
  private async transition(
    sel: MigrationSelector,
    apply: Parameters<typeof commit>[2],
  ): Promise<CommandResult<Migration>> {
    const r = await this.resolve(sel);
    if (!r.ok) return r;
    const res = await commit(this.rt, r.id, apply);
    return res.ok ? { ok: true, value: res.migration } : res;
  }

  private async resolve(sel: MigrationSelector): Promise<Resolved> {
    if ("migrationId" in sel) return { ok: true, id: sel.migrationId };
    const e = this.envOrError(sel.env);
    if (!e.ok) return e;
    const holder = await this.rt.store.lockHolder(sel.env);
    if (!holder)
      return {
        ok: false,
        rejection: {
          code: "not-found",
          message: `no migration is running in ${sel.env}; start one with \`/migrate start ${sel.env}\``,
        },
      };
    return { ok: true, id: holder };
  }

  async preview(env: string, targetCluster?: string): Promise<CommandResult<PlanPreview>> {
    const c = await this.choose(env, targetCluster);
    if (!c.ok) return c;
    const ctx = {
      migrationId: "preview",
      envName: env,
      env: c.cfg,
      source: c.choice.source,
      target: c.choice.target,
    };
    const [clusterFindings, dnsFindings, inventory, snapshot] = await Promise.all([
      this.rt.ports.clusters.preflight(ctx),
      this.rt.ports.traffic.preflight(ctx, c.choice.target.ingress.hostname, c.read),
      this.rt.ports.clusters.inventory(ctx),
      c.cfg.dns.lowerTtl.enabled
        ? this.rt.ports.traffic.snapshot(ctx).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    const steps = buildPlan(c.cfg);
    const oldTtl = snapshot?.ttlSeconds ?? 0;
    return {
      ok: true,
      value: {
        env,
        source: c.choice.source.name,
        target: c.choice.target.name,
        targetReason: c.choice.reason,
        steps,
        findings: [...clusterFindings, ...dnsFindings],
        inventory,
        ...(snapshot && oldTtl > c.cfg.dns.lowerTtl.ttlSeconds
          ? { cutoverSafeAfterMs: previousAnswersExpireAt(this.rt.now(), oldTtl) }
          : {}),
      },
    };
  }

  async start(env: string, actor: Actor, targetCluster?: string): Promise<CommandResult<Migration>> {
    const holder = this.envOrError(env).ok ? await this.rt.store.lockHolder(env) : undefined;
    if (holder) return this.locked(env, holder);
    const c = await this.choose(env, targetCluster);
    if (!c.ok) return c;
    const draft = createMigration({
      id: "pending",
      env,
      source: c.choice.source.name,
      target: c.choice.target.name,
      targetReason: c.choice.reason,
      startedBy: actor.userId,
      plan: buildPlan(c.cfg),
      now: this.rt.now(),
    });
    const created = await this.rt.store.create(draft.migration, draft.audit[0]!);
    if (!created.ok) return this.locked(env, created.holder);
    // Before the first step runs: preflight uses this read instead of making the same one again.
    if (c.read) await this.rt.store.dataSet(created.migration.id, DATA.dnsStartRead, c.read);
    await this.rt.queue.enqueue(created.migration.id, draft.effects);
    return { ok: true, value: created.migration };
  }

  private async locked(env: string, holder: string): Promise<CommandResult<Migration>> {
    const m = await this.rt.store.get(holder);
    const state = m ? ` (${m.status}, started by ${m.startedBy})` : "";
    return {
      ok: false,
      rejection: {
        code: "locked",
        message: `${env} already has a migration in progress: ${holder}${state}. One migration per environment at a time; see \`/migrate status ${env}\`.`,
        ...(m ? { current: m } : {}),
      },
    };
  }

  async approve(
    sel: MigrationSelector,
    actor: Actor,
    opts: { stepId?: string; version?: number } = {},
  ): Promise<CommandResult<Migration>> {
    return this.transition(sel, (m) => {
      const cfg = this.rt.config.environments[m.env];
      return approveGate(m, {
        by: actor.userId,
        now: this.rt.now(),
        fourEyes: cfg?.fourEyes ?? true,
        expiresMinutes: cfg?.approvalExpiresMinutes ?? 60,
        freezeWindows: cfg?.freezeWindows ?? [],
        ...(opts.stepId !== undefined ? { stepId: opts.stepId } : {}),
        ...(opts.version !== undefined ? { version: opts.version } : {}),
      });
    });
  }

  /**
   * Rollback ignores the version a button carried: its meaning does not depend on which step is
   * current, and a 3 a.m. rollback must not be refused for a progress update. Doubles still roll back once.
   */
  async rollback(
    sel: MigrationSelector,
    actor: Actor,
    opts: { version?: number; reason?: string } = {},
  ): Promise<CommandResult<Migration>> {
    const reason = opts.reason ?? "rollback requested";
    return this.transition(sel, (m) => requestRollback(m, { by: actor.userId, now: this.rt.now(), reason }));
  }

  /** The version matters here (unlike rollback): a Retry pressed on an older halt is not this one. */
  async retry(
    sel: MigrationSelector,
    actor: Actor,
    opts: { version?: number; stepId?: string } = {},
  ): Promise<CommandResult<Migration>> {
    return this.transition(sel, (m) =>
      retryHaltedStep(m, {
        by: actor.userId,
        now: this.rt.now(),
        freezeWindows: this.rt.config.environments[m.env]?.freezeWindows ?? [],
        ...(opts.version !== undefined ? { version: opts.version } : {}),
        ...(opts.stepId !== undefined ? { stepId: opts.stepId } : {}),
      }),
    );
  }

  async abort(env: string, actor: Actor): Promise<CommandResult<Migration>> {
    return this.transition({ env }, (m) => abortMigration(m, actor.userId, this.rt.now()));
  }

  async active(env?: string): Promise<MigrationView[]> {
    const views = await this.rt.store.activeViews();
    return env === undefined ? views : views.filter((v) => v.migration.env === env);
  }

  history(env: string, limit = 10) {
    return this.rt.store.history(env, limit);
  }

  async get(migrationId: string): Promise<MigrationView | undefined> {
    const migration = await this.rt.store.get(migrationId);
    if (!migration) return undefined;
    return { migration, progress: await this.rt.store.progress(migrationId) };
  }

  auditDropped(target: { migrationId: string } | { env: string }) {
    return this.rt.store.auditDropped(target);
  }

  auditSince(migrationId: string, afterId: string, limit?: number) {
    return this.rt.store.auditSince(migrationId, afterId, limit);
  }

  async report(migrationId: string): Promise<MigrationReport | undefined> {
    const m = await this.rt.store.get(migrationId);
    if (!m) return undefined;
    const [handoff, dnsChanges] = await Promise.all([
      this.rt.store.dataGet<HandoffReport>(migrationId, DATA.handoff),
      this.rt.store.dataGet<Array<DnsChangeReport & { weight?: number }>>(migrationId, DATA.dnsChanges),
    ]);
    return buildReport(m, { ...(handoff ? { handoff } : {}), ...(dnsChanges ? { dnsChanges } : {}) });
  }

  auditDeniedEnv(env: string, actor: Actor, action: string, reason: string) {
    return this.rt.store.auditEnv(
      env,
      { actor: actor.userId, action, outcome: "denied", detail: reason },
      this.rt.now(),
    );
  }

  envAudit(env: string, afterId: string, limit?: number) {
    return this.rt.store.envAuditSince(env, afterId, limit);
  }

  auditDenied(migrationId: string, actor: Actor, action: string, reason: string) {
    return this.rt.store.audit(
      migrationId,
      { actor: actor.userId, action, outcome: "denied", detail: reason },
      this.rt.now(),
    );
  }

  async subscribe(handler: (event: MigrationEvent) => void): Promise<() => Promise<void>> {
    const sub = openRedis(this.redisUrl, { maxRetriesPerRequest: null });
    sub.on("error", (err) => this.rt.logger.warn({ err: err.message }, "event subscriber connection error"));
    sub.on("message", (_channel, message: string) => {
      try {
        handler(JSON.parse(message) as MigrationEvent);
      } catch (err) {
        this.rt.logger.error({ err }, "event handler failed");
      }
    });
    await sub.subscribe(EVENTS_CHANNEL);
    return async () => {
      sub.disconnect();
    };
  }
}
