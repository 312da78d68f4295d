// What the Slack surface (or any other front end) can ask of the engine: domain commands and reads only
// (the Slack side's own bookkeeping is the bot's, src/bot/live/store.ts). Implemented in src/jobs on top of
// the Redis store and the BullMQ queue. Permission checks on Slack identities happen in src/bot before a
// command gets here; the engine enforces the rules of the migration itself (four-eyes, versions, gates).

import type { MigrationReport } from "./report.js";
import type { Finding, Migration, Progress, StepSpec } from "./types.js";

export type RejectionCode =
  | "not-found" // no such migration / environment / cluster
  | "stale" // the click or command carried an old version
  | "already" // the effect already happened (double click, retry)
  | "forbidden" // four-eyes or similar rule of the migration
  | "locked" // another migration holds the environment
  | "frozen" // inside a freeze window
  | "not-now" // not allowed in the current state (e.g. abort after an effect-bearing step)
  | "invalid" // malformed input
  | "unavailable"; // a service the command reads could not answer (DNS throttled, refused, unreachable)

export interface Rejection {
  code: RejectionCode;
  /** A full sentence for a person, naming the fix where there is one. */
  message: string;
  current?: Migration;
}

export type CommandResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export interface Actor {
  userId: string;
}

/** Identifies a migration either directly (button) or through its environment (slash command). */
export type MigrationSelector = { migrationId: string } | { env: string };

export interface PlanPreview {
  env: string;
  source: string;
  target: string;
  targetReason: string;
  steps: StepSpec[];
  findings: Finding[];
  inventory: { counts: Record<string, number>; forbidden: string[]; tolerant: number };
  /** When cutover becomes safe after lowering TTLs (ms epoch), if lower-ttl is planned. */
  cutoverSafeAfterMs?: number;
}

export interface HistoryEntry {
  id: string;
  status: Migration["status"];
  source: string;
  target: string;
  startedBy: string;
  createdAt: number;
  finishedAt?: number;
}

export interface MigrationView {
  migration: Migration;
  progress: Record<string, Progress>;
}

/** One entry of a migration's append-only audit stream (Redis stream id as `id`). */
export interface AuditEntry {
  id: string;
  at: number;
  /** Slack user id, or `system` for the engine itself. */
  actor: string;
  action: string;
  outcome: "ok" | "denied" | "failed" | "info";
  detail: string;
}

/** Published after every committed transition and every audit entry; subscribers re-read the record. */
export interface MigrationEvent {
  migrationId: string;
  version: number;
  kind: "changed" | "progress" | "audit";
}

export interface MigrationCommands {
  preview(env: string, targetCluster?: string): Promise<CommandResult<PlanPreview>>;
  start(env: string, actor: Actor, targetCluster?: string): Promise<CommandResult<Migration>>;
  /** `version` comes from a button; slash commands omit it and act on the current gate. */
  approve(
    sel: MigrationSelector,
    actor: Actor,
    opts?: { stepId?: string; version?: number },
  ): Promise<CommandResult<Migration>>;
  rollback(
    sel: MigrationSelector,
    actor: Actor,
    opts?: { version?: number; reason?: string },
  ): Promise<CommandResult<Migration>>;
  /**
   * Re-run the step a migration halted at, as its next run. `version` and `stepId` come from a button;
   * slash commands omit them and retry whatever step the migration is halted at now.
   */
  retry(
    sel: MigrationSelector,
    actor: Actor,
    opts?: { version?: number; stepId?: string },
  ): Promise<CommandResult<Migration>>;
  abort(env: string, actor: Actor): Promise<CommandResult<Migration>>;
  /** Non-terminal migrations, optionally of one environment. */
  active(env?: string): Promise<MigrationView[]>;
  history(env: string, limit?: number): Promise<HistoryEntry[]>;
  get(migrationId: string): Promise<MigrationView | undefined>;
  /** The end-of-migration summary (per step durations, approvals, gaps, DNS changes, warnings). */
  report(migrationId: string): Promise<MigrationReport | undefined>;
  /** Audit a refusal that concerns no migration (e.g. an unauthorised start), per environment. */
  auditDeniedEnv(env: string, actor: Actor, action: string, reason: string): Promise<void>;
  /** The environment's own audit stream (refusals without a migration), oldest first. */
  envAudit(env: string, afterId: string, limit?: number): Promise<AuditEntry[]>;
  /**
   * How many refusals a capped audit stream left out (a migration's, or an environment's): the streams
   * keep the first entries and count the rest, so a flood cannot grow Redis without bound.
   */
  auditDropped(target: { migrationId: string } | { env: string }): Promise<number>;
  /** Audit entries after `afterId` (exclusive; "0" for all), oldest first. */
  auditSince(migrationId: string, afterId: string, limit?: number): Promise<AuditEntry[]>;
  /** Record that a person was refused (unauthorised click, etc.): audited, changes nothing else. */
  auditDenied(migrationId: string, actor: Actor, action: string, reason: string): Promise<void>;
  /** Events of every migration; returns an unsubscribe function. */
  subscribe(handler: (event: MigrationEvent) => void): Promise<() => Promise<void>>;
}
