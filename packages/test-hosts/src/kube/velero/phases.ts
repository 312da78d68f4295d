// Velero phases (pkg/apis/velero/v1 backup_types.go / restore_types.go).

// Velero gives a Backup and a Restore the same running and terminal phases; only a Backup can be Deleting.
const RUNNING_PHASES = [
  "New",
  "InProgress",
  "WaitingForPluginOperations",
  "WaitingForPluginOperationsPartiallyFailed",
  "Finalizing",
  "FinalizingPartiallyFailed",
] as const;
const TERMINAL_PHASES = ["Completed", "PartiallyFailed", "Failed", "FailedValidation"] as const;

export const BACKUP_RUNNING_PHASES = RUNNING_PHASES;
export const BACKUP_TERMINAL_PHASES = TERMINAL_PHASES;
export type BackupPhase = (typeof RUNNING_PHASES)[number] | (typeof TERMINAL_PHASES)[number] | "Deleting";

export const RESTORE_RUNNING_PHASES = RUNNING_PHASES;
export const RESTORE_TERMINAL_PHASES = TERMINAL_PHASES;
export type RestorePhase = (typeof RUNNING_PHASES)[number] | (typeof TERMINAL_PHASES)[number];

/** Injected outcome of one backup. */
export type BackupOutcome =
  | { phase: "Completed"; warnings?: number }
  | { phase: "PartiallyFailed"; errors: number; warnings?: number }
  | { phase: "Failed"; failureReason: string };

/** Injected outcome of one restore (item errors can also be injected one by one). */
export type RestoreOutcome =
  | { phase: "Failed"; failureReason: string }
  | { phase: "PartiallyFailed"; errors: number };

export interface ItemRef {
  group: string;
  resource: string;
  namespace?: string;
  name: string;
}

export interface VeleroInjection {
  backup?: (name: string) => BackupOutcome | undefined;
  restore?: (name: string) => RestoreOutcome | undefined;
  /** Returns an error message to make restoring this item fail (counted in status.errors). */
  restoreItemError?: (item: ItemRef) => string | undefined;
}
