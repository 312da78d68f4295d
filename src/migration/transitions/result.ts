import type { Rejection, RejectionCode } from "../commands.js";
import type { Migration, Step, StepStatus } from "../types.js";

/** Work that must follow a committed transition (the job layer turns these into BullMQ jobs). */
export type Effect =
  | { type: "run-step"; stepIndex: number; run: number; delayMs: number }
  | { type: "compensate-step"; stepIndex: number; run: number };

export interface AuditDraft {
  actor: string;
  action: string;
  outcome: "ok" | "denied" | "failed" | "info";
  detail: string;
}

export type TransitionResult =
  | { ok: true; migration: Migration; effects: Effect[]; audit: AuditDraft[] }
  | { ok: false; rejection: Rejection };

export function reject(code: RejectionCode, message: string, current?: Migration): TransitionResult {
  return { ok: false, rejection: current ? { code, message, current } : { code, message } };
}

export function accept(
  migration: Migration,
  effects: Effect[] = [],
  audit: AuditDraft[] = [],
): TransitionResult {
  return { ok: true, migration, effects, audit };
}

/** A copy with the next version; every transition goes through here so `version` moves by exactly one. */
export function next(m: Migration, now: number, patch: Partial<Migration> = {}): Migration {
  return {
    ...m,
    ...patch,
    steps: patch.steps ?? m.steps.map((s) => ({ ...s })),
    version: m.version + 1,
    updatedAt: now,
  };
}

export function withStep(m: Migration, index: number, status: StepStatus): Step[] {
  return m.steps.map((s, i) => (i === index ? { ...s, status } : s));
}

export function startedAtOf(status: StepStatus, fallback: number): number {
  switch (status.state) {
    case "pending":
    case "skipped":
      return fallback;
    case "running":
    case "waiting":
    case "awaiting-approval":
    case "succeeded":
    case "failed":
    case "interrupted":
    case "compensating":
    case "compensated":
    case "compensation-failed":
      return status.startedAt;
  }
}

export function describeStatus(m: Migration): string {
  const step = m.steps[m.cursor];
  switch (m.status) {
    case "running":
      return `running step "${step?.title ?? "?"}"`;
    case "awaiting-approval":
      return `waiting for "${step?.title ?? "?"}"`;
    case "halted":
      return `halted: ${m.error ?? "a step failed"}`;
    case "rolling-back":
      return `rolling back (requested by ${m.rollback?.by ?? "?"})`;
    case "rollback-failed":
      return `rollback failed: ${m.error ?? "a compensation failed"}`;
    case "completed":
      return "completed";
    case "rolled-back":
      return "rolled back";
    case "blocked":
      return "stopped by preflight findings";
    case "aborted":
      return "aborted";
  }
}
