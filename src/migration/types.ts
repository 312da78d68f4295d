// The migration record: the contract between the bot, the workers and the Slack message (which is only a
// view of it). Everything here is plain JSON so it can live in Redis and be redrawn at any time.

export type StepKind =
  | "preflight"
  | "lower-ttl"
  | "backup"
  | "pause-gitops"
  | "restore"
  | "wait-ready"
  | "smoke"
  | "gate-cutover"
  | "handoff"
  | "resume-target-gitops"
  | "shift-traffic"
  | "public-health"
  | "soak"
  | "gate-decommission"
  | "pause-source-gitops"
  | "decommission"
  | "restore-ttl";

export type GateKind = "gate-cutover" | "gate-decommission";

export function isGate(kind: StepKind): kind is GateKind {
  return kind === "gate-cutover" || kind === "gate-decommission";
}

/** A step's place in the plan. `effect` = it changes the world (and so is compensated on rollback). */
export interface StepSpec {
  id: string;
  kind: StepKind;
  title: string;
  effect: boolean;
}

export interface Approval {
  stepId: string;
  by: string;
  at: number;
  expiresAt: number;
}

/** Status of one step. `run` counts how many times the step was (re)started, and names its job. */
export type StepStatus =
  | { state: "pending" }
  | { state: "running"; startedAt: number; run: number }
  /** A timer (soak) or a step that is partway and continues later (weighted shift between steps). */
  | { state: "waiting"; startedAt: number; run: number; until: number; reason: string }
  /** A gate waiting for a human. */
  | { state: "awaiting-approval"; startedAt: number; run: number }
  /** `unchanged`: an effect-bearing step that found nothing to change (abort still counts it untouched). */
  | { state: "succeeded"; startedAt: number; finishedAt: number; summary?: string; unchanged?: true }
  /** `run` is the run that failed (a retry runs the next one); records written before it lack it. */
  | { state: "failed"; startedAt: number; finishedAt: number; error: string; run?: number }
  /** Stopped because rollback was requested while it ran; its partial effect is compensated. */
  | { state: "interrupted"; startedAt: number; finishedAt: number }
  | {
      state: "compensating";
      startedAt: number;
      finishedAt: number;
      compensationStartedAt: number;
      run: number;
    }
  | { state: "compensated"; startedAt: number; finishedAt: number; compensatedAt: number }
  | { state: "compensation-failed"; startedAt: number; finishedAt: number; error: string }
  | { state: "skipped"; reason: string };

export type StepState = StepStatus["state"];

export interface Step extends StepSpec {
  status: StepStatus;
}

/**
 * - `running`: forward steps are executing or waiting on a timer.
 * - `awaiting-approval`: paused at a gate.
 * - `halted`: a step failed permanently; a human decides (rollback, or retry).
 * - `rolling-back`: compensations are running in reverse.
 * - terminal: `completed`, `rolled-back`, `blocked` (preflight said no; nothing changed), `aborted`.
 * - `rollback-failed`: a compensation failed permanently; the lock is kept until a human retries it.
 */
export const MIGRATION_STATUSES = [
  "running",
  "awaiting-approval",
  "halted",
  "rolling-back",
  "rollback-failed",
  "completed",
  "rolled-back",
  "blocked",
  "aborted",
] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<MigrationStatus> = new Set([
  "completed",
  "rolled-back",
  "blocked",
  "aborted",
]);

export function isTerminal(status: MigrationStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export type Severity = "blocking" | "warning" | "info";

/** A preflight finding. `fix` says what a human should change. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  fix?: string;
  /** Resources concerned, e.g. `payments/ledger-db`; lists are capped by the producer. */
  subjects?: string[];
}

export interface SlackRef {
  channel: string;
  ts: string;
  /** Last audit entry posted in the message's thread (so a restarted bot neither repeats nor skips). */
  threadCursor?: string;
  /** The record version the message last showed; a restarted bot redraws messages behind their record. */
  renderedVersion?: number;
}

export interface RollbackRequest {
  by: string;
  at: number;
  reason: string;
  /** Index of the step whose compensation runs next (counts down). */
  cursor: number;
  /** 1 for the first rollback; a retry after `rollback-failed` increments it (it names the jobs). */
  attempt: number;
}

export interface Migration {
  id: string;
  env: string;
  source: string;
  target: string;
  /** Why this target was chosen, shown in the live message. */
  targetReason: string;
  startedBy: string;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  status: MigrationStatus;
  steps: Step[];
  /** Index of the step the forward run is at. */
  cursor: number;
  approvals: Approval[];
  findings: Finding[];
  rollback?: RollbackRequest;
  /** Last error that halted the run, in a person's words. */
  error?: string;
  slack?: SlackRef;
  /** Compare-and-set counter: every transition increments it by exactly one. */
  version: number;
}

/** Live progress of a long step; kept apart from the record so it never bumps `version`. */
export interface Progress {
  done: number;
  total: number;
  unit: string;
  /** Free text such as `new 50% · old 50%`. */
  note?: string;
  at: number;
}
