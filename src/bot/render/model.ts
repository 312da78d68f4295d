// The platform-neutral view model of a live migration message (the Botkube lesson: model once, render
// per platform). Pure: a migration record and its progress in, plain data out. Block Kit lives in
// blocks.ts; the sandbox console renders the same Slack output as text.

import type { MigrationView } from "../../migration/commands.js";
import { fourEyesCovers } from "../../migration/transitions/fourEyes.js";
import { retryableStep } from "../../migration/transitions/retry.js";
import {
  type GateKind,
  isGate,
  isTerminal,
  type Migration,
  type MigrationStatus,
  type Progress,
  type Step,
  type StepState,
} from "../../migration/types.js";

/** What the renderer needs besides the record: the environment's gate settings. */
export interface LiveView extends MigrationView {
  settings?: { approvalExpiresMinutes: number; fourEyes: boolean };
}

export interface StepLine {
  id: string;
  title: string;
  state: StepState;
  /** Elapsed (running) or total (finished) time. */
  durationMs?: number;
  progress?: Progress;
  /** Summary, error, waiting reason or skip reason: one line. */
  detail?: string;
  /** Waiting until (ms epoch). */
  until?: number;
  current: boolean;
  /** Shown even when a long plan has to be condensed. */
  important: boolean;
}

/** What a person approves: a gate step, or the next increment of a weighted traffic shift. */
export type ApprovalKind = GateKind | "traffic-step";

export interface GateModel {
  stepId: string;
  kind: ApprovalKind;
  title: string;
  waitedMs: number;
  approvalValidMinutes?: number;
  /** The starter, when four-eyes keeps them from approving this gate. */
  excluded?: string;
}

export type ActionModel =
  | { kind: "approve"; migrationId: string; stepId: string; version: number; gate: ApprovalKind }
  /** Re-run the step the migration halted at (the domain's rule: transitions/retry.ts). */
  | { kind: "retry"; migrationId: string; stepId: string; stepTitle: string; version: number; env: string }
  | {
      kind: "rollback";
      migrationId: string;
      version: number;
      env: string;
      retry: boolean;
      completedEffects: number;
    };

export interface MessageModel {
  migrationId: string;
  version: number;
  env: string;
  source: string;
  target: string;
  targetReason: string;
  startedBy: string;
  status: MigrationStatus;
  /** Elapsed since creation, or total once finished. */
  elapsedMs: number;
  updatedAt: number;
  steps: StepLine[];
  gate?: GateModel;
  /** An approval given but not yet used (the step after the gate has not started). */
  pendingApproval?: { by: string; expiresAt: number };
  rollback?: { by: string; reason: string };
  error?: string;
  findings: { blocking: number; warning: number; info: number };
  actions: ActionModel[];
}

function isImportant(state: StepState): boolean {
  switch (state) {
    case "running":
    case "waiting":
    case "awaiting-approval":
    case "failed":
    case "interrupted":
    case "compensating":
    case "compensation-failed":
      return true;
    case "pending":
    case "succeeded":
    case "compensated":
    case "skipped":
      return false;
  }
}

function stepLine(
  step: Step,
  index: number,
  m: Migration,
  progress: Progress | undefined,
  now: number,
): StepLine {
  const s = step.status;
  const base = {
    id: step.id,
    title: step.title,
    state: s.state,
    current: index === m.cursor && !isTerminal(m.status),
  };
  const important = isImportant(s.state);
  switch (s.state) {
    case "pending":
      return { ...base, important: base.current };
    case "skipped":
      return { ...base, important: false, detail: s.reason };
    case "running":
    case "awaiting-approval":
      return { ...base, important, durationMs: now - s.startedAt, ...(progress ? { progress } : {}) };
    case "waiting":
      return {
        ...base,
        important,
        durationMs: now - s.startedAt,
        until: s.until,
        detail: s.reason,
        ...(progress ? { progress } : {}),
      };
    case "succeeded":
      return {
        ...base,
        important: base.current,
        durationMs: s.finishedAt - s.startedAt,
        ...(s.summary ? { detail: s.summary } : {}),
      };
    case "failed":
    case "compensation-failed":
      return { ...base, important, durationMs: s.finishedAt - s.startedAt, detail: s.error };
    case "interrupted":
      return { ...base, important, durationMs: s.finishedAt - s.startedAt };
    case "compensating":
      return {
        ...base,
        important,
        durationMs: now - s.compensationStartedAt,
        ...(progress ? { progress } : {}),
      };
    case "compensated":
      return { ...base, important: false, durationMs: s.compensatedAt - s.finishedAt };
  }
}

/** Rollback stays possible until decommission has completed, and never once the migration ended. */
export function canRollback(m: Migration): boolean {
  const decommissioned = m.steps.some((s) => s.kind === "decommission" && s.status.state === "succeeded");
  if (decommissioned) return false;
  switch (m.status) {
    case "running":
    case "awaiting-approval":
    case "halted":
    case "rollback-failed":
      return true;
    case "rolling-back":
    case "completed":
    case "rolled-back":
    case "blocked":
    case "aborted":
      return false;
  }
}

/** The gate waiting for a person right now, if any. */
export function currentGate(m: Migration): { step: Step; startedAt: number } | undefined {
  if (m.status !== "awaiting-approval") return undefined;
  const step = m.steps[m.cursor];
  // A gate step, or a step paused partway for approval (weighted shift with approveEachStep).
  if (step?.status.state !== "awaiting-approval") return undefined;
  return { step, startedAt: step.status.startedAt };
}

export function buildMessageModel(view: LiveView, now: number): MessageModel {
  const m = view.migration;
  const steps = m.steps.map((s, i) => stepLine(s, i, m, view.progress[s.id], now));
  const actions: ActionModel[] = [];
  let gate: GateModel | undefined;
  const g = currentGate(m);
  if (g) {
    const kind: ApprovalKind = isGate(g.step.kind) ? g.step.kind : "traffic-step";
    const fourEyes = view.settings?.fourEyes === true && fourEyesCovers(kind);
    gate = {
      stepId: g.step.id,
      kind,
      title: kind === "traffic-step" ? `${g.step.title}: next step` : g.step.title,
      waitedMs: now - g.startedAt,
      ...(view.settings && kind !== "traffic-step"
        ? { approvalValidMinutes: view.settings.approvalExpiresMinutes }
        : {}),
      ...(fourEyes ? { excluded: m.startedBy } : {}),
    };
    actions.push({
      kind: "approve",
      migrationId: m.id,
      stepId: g.step.id,
      version: m.version,
      gate: kind,
    });
  }
  let pendingApproval: MessageModel["pendingApproval"];
  const prev = m.steps[m.cursor - 1];
  const cur = m.steps[m.cursor];
  if (m.status === "running" && prev && isGate(prev.kind) && cur && cur.status.state !== "running") {
    const a = [...m.approvals].reverse().find((x) => x.stepId === prev.id);
    if (a && a.expiresAt > now) pendingApproval = { by: a.by, expiresAt: a.expiresAt };
  }
  const halted = retryableStep(m);
  if (halted) {
    actions.push({
      kind: "retry",
      migrationId: m.id,
      stepId: halted.step.id,
      stepTitle: halted.step.title,
      version: m.version,
      env: m.env,
    });
  }
  if (canRollback(m)) {
    const completedEffects = m.steps.filter((s) => s.effect && s.status.state === "succeeded").length;
    actions.push({
      kind: "rollback",
      migrationId: m.id,
      version: m.version,
      env: m.env,
      retry: m.status === "rollback-failed",
      completedEffects,
    });
  }
  const findings = { blocking: 0, warning: 0, info: 0 };
  for (const f of m.findings) findings[f.severity] += 1;
  return {
    migrationId: m.id,
    version: m.version,
    env: m.env,
    source: m.source,
    target: m.target,
    targetReason: m.targetReason,
    startedBy: m.startedBy,
    status: m.status,
    elapsedMs: (m.finishedAt ?? now) - m.createdAt,
    updatedAt: m.updatedAt,
    steps,
    ...(gate ? { gate } : {}),
    ...(pendingApproval ? { pendingApproval } : {}),
    ...(m.rollback ? { rollback: { by: m.rollback.by, reason: m.rollback.reason } } : {}),
    ...(m.error ? { error: m.error } : {}),
    findings,
    actions,
  };
}
