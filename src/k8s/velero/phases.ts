// Velero Backup/Restore phases, as enumerated in Velero's code (pkg/apis/velero/v1/backup_types.go and
// restore_types.go), and how hikkoshi reads them. Pure functions of the object's JSON.

import { getNumber, getString } from "../objects.js";

export const RUNNING_PHASES = [
  "New",
  "InProgress",
  "WaitingForPluginOperations",
  "WaitingForPluginOperationsPartiallyFailed",
  "Finalizing",
  "FinalizingPartiallyFailed",
] as const;

export const TERMINAL_PHASES = ["Completed", "PartiallyFailed", "Failed", "FailedValidation"] as const;

export type RunningPhase = (typeof RUNNING_PHASES)[number];
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];
export type VeleroPhase = RunningPhase | TerminalPhase;

export type PhaseClass =
  | { kind: "running"; phase: RunningPhase | "" }
  | { kind: "succeeded"; phase: TerminalPhase }
  | { kind: "failed"; phase: TerminalPhase }
  | { kind: "unknown"; phase: string };

function isRunning(p: string): p is RunningPhase {
  return (RUNNING_PHASES as readonly string[]).includes(p);
}

function isTerminal(p: string): p is TerminalPhase {
  return (TERMINAL_PHASES as readonly string[]).includes(p);
}

/**
 * Classifies a phase. An empty phase is a just-created object the controller has not seen yet.
 * PartiallyFailed counts as success only when the environment allows it.
 */
export function classifyPhase(phase: string, allowPartiallyFailed: boolean): PhaseClass {
  if (phase === "") return { kind: "running", phase: "" };
  if (isRunning(phase)) return { kind: "running", phase };
  if (!isTerminal(phase)) return { kind: "unknown", phase };
  switch (phase) {
    case "Completed":
      return { kind: "succeeded", phase };
    case "PartiallyFailed":
      return allowPartiallyFailed ? { kind: "succeeded", phase } : { kind: "failed", phase };
    case "Failed":
    case "FailedValidation":
      return { kind: "failed", phase };
    default: {
      const never: never = phase;
      return never;
    }
  }
}

export interface VeleroStatus {
  name: string;
  phase: string;
  itemsDone: number;
  totalItems: number;
  errors: number;
  warnings: number;
  failureReason?: string;
  validationErrors: string[];
}

/** Reads `status` of a Backup or Restore: `errors`/`warnings` are counts, `progress` has item counts. */
export function readStatus(obj: unknown, doneField: "itemsBackedUp" | "itemsRestored"): VeleroStatus {
  const validation = (obj as { status?: { validationErrors?: unknown } })?.status?.validationErrors;
  const status: VeleroStatus = {
    name: getString(obj, ["metadata", "name"]) ?? "",
    phase: getString(obj, ["status", "phase"]) ?? "",
    itemsDone: getNumber(obj, ["status", "progress", doneField]) ?? 0,
    totalItems: getNumber(obj, ["status", "progress", "totalItems"]) ?? 0,
    errors: getNumber(obj, ["status", "errors"]) ?? 0,
    warnings: getNumber(obj, ["status", "warnings"]) ?? 0,
    validationErrors: Array.isArray(validation)
      ? validation.filter((v): v is string => typeof v === "string")
      : [],
  };
  const reason = getString(obj, ["status", "failureReason"]);
  if (reason) status.failureReason = reason;
  return status;
}

export function describeCommand(kind: "backup" | "restore", name: string, namespace: string): string {
  const ns = namespace === "velero" ? "" : ` -n ${namespace}`;
  return `velero ${kind} describe ${name} --details${ns}`;
}

/** One line for an error message: phase, counts, reason, and the command to see more. */
export function summarise(kind: "Backup" | "Restore", s: VeleroStatus, describe: string): string {
  const parts = [
    `${kind} ${s.name} ended ${s.phase || "(no phase)"}`,
    `${s.errors} errors, ${s.warnings} warnings`,
  ];
  if (s.failureReason) parts.push(`reason: ${s.failureReason}`);
  if (s.validationErrors.length > 0) parts.push(`validation: ${s.validationErrors.join("; ")}`);
  return `${parts.join("; ")}. Details: ${describe}`;
}
