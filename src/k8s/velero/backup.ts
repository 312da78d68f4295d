// Step "backup": a Velero Backup on the source, created once per attempt (`<base>`, then `<base>-r2`, ...:
// a failed Backup is kept and the retry gets a new name), waited to a terminal phase.

import type { BackupReport, EnvContext, ProgressFn } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import type { Clock, Logger } from "../runtime.js";
import { currentAttempt } from "./attempts.js";
import { describeCommand } from "./phases.js";
import { backupObject } from "./specs.js";
import { ensureVeleroObject, waitForTerminal } from "./watch.js";

export interface VeleroDeps {
  clock: Clock;
  logger: Logger;
  pollMs: number;
}

export async function runBackup(
  source: ClusterClient,
  ctx: EnvContext,
  backupName: string,
  progress: ProgressFn,
  signal: AbortSignal,
  deps: VeleroDeps,
): Promise<BackupReport> {
  const env = ctx.env;
  const base = backupName;
  // A failed Backup stays failed: a retry creates the next attempt and keeps the failed one.
  const { name, failed } = await currentAttempt(
    source,
    "backups",
    env.velero.namespace,
    base,
    ctx.migrationId,
    env.velero.allowPartiallyFailed,
  );
  backupName = name;
  const body = backupObject(backupName, env, ctx.migrationId);
  const { created } = await ensureVeleroObject(source, "backups", body, ctx.migrationId);
  deps.logger.info(
    { backup: backupName, cluster: source.name, created, failedAttempts: failed.length },
    created ? "backup created" : "backup exists",
  );
  const status = await waitForTerminal(source, {
    kind: "Backup",
    namespace: env.velero.namespace,
    name: backupName,
    timeoutMs: env.velero.timeoutMinutes * 60_000,
    pollMs: deps.pollMs,
    allowPartiallyFailed: env.velero.allowPartiallyFailed,
    clock: deps.clock,
    progress,
    signal,
  });
  const report: BackupReport = {
    name: backupName,
    phase: status.phase,
    itemsBackedUp: status.itemsDone,
    totalItems: status.totalItems,
    errors: status.errors,
    warnings: status.warnings,
    describeCommand: describeCommand("backup", backupName, env.velero.namespace),
  };
  if (status.failureReason) report.failureReason = status.failureReason;
  if (failed.length > 0) report.failedAttempts = failed;
  return report;
}
