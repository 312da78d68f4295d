// Step "restore": wait for Velero's backup sync to show the backup on the target, then restore the
// tolerant resources, then the forbidden ones suspended (resource modifier), then read the target's new
// ingress hostname. Every attempt has a deterministic name, so a retried call resumes instead of doubling;
// a failed attempt is kept and the retry creates the next one.

import type { EnvContext, ProgressFn, RestoreReport } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { waitServiceAddress } from "../ingress.js";
import { parseLabel } from "../labels.js";
import { getString, isRecord } from "../objects.js";
import { isConflict } from "../requestPolicy.js";
import { throwIfAborted } from "../runtime.js";
import { currentAttempt } from "./attempts.js";
import type { VeleroDeps } from "./backup.js";
import { classifyPhase, describeCommand, type VeleroStatus } from "./phases.js";
import { forbiddenRestoreObject, modifierConfigMap, tolerantRestoreObject, veleroNames } from "./specs.js";
import { ensureVeleroObject, getVeleroObject, waitForTerminal } from "./watch.js";

/** Waits for the backup to appear (Velero's backup sync) on the target with a usable phase. */
export async function waitForBackupSync(
  target: ClusterClient,
  ctx: EnvContext,
  backupName: string,
  deps: VeleroDeps,
  signal: AbortSignal,
  progress: ProgressFn,
): Promise<void> {
  const ns = ctx.env.velero.namespace;
  const timeoutMs = ctx.env.velero.syncTimeoutMinutes * 60_000;
  const deadline = deps.clock.now() + timeoutMs;
  for (;;) {
    throwIfAborted(signal, "waiting for the backup sync");
    const obj = await getVeleroObject(target, ns, "backups", backupName);
    const phase = obj === undefined ? undefined : (getString(obj, ["status", "phase"]) ?? "");
    if (phase !== undefined && classifyPhase(phase, ctx.env.velero.allowPartiallyFailed).kind === "succeeded")
      return;
    progress(
      0,
      1,
      "backup sync",
      phase === undefined ? "waiting for Velero's backup sync" : `backup ${phase}`,
    );
    if (deps.clock.now() >= deadline) {
      throw new Error(
        `backup ${backupName} ${phase === undefined ? "has not appeared" : `is ${phase || "without a phase"}`} on ` +
          `${target.name} after ${ctx.env.velero.syncTimeoutMinutes} min. Both clusters' Velero must use the same ` +
          `BackupStorageLocation bucket: check \`velero backup-location get\` on ${target.name}`,
      );
    }
    await deps.clock.sleep(deps.pollMs, signal);
  }
}

async function ensureModifierConfigMap(target: ClusterClient, ctx: EnvContext): Promise<void> {
  const body = modifierConfigMap(ctx.env, ctx.migrationId);
  const { namespace, name } = body.metadata;
  await target.policy.update(
    `${target.name}: configmap ${namespace}/${name}`,
    async () => {
      try {
        return await target.core.readNamespacedConfigMap({ namespace, name });
      } catch (err) {
        if ((err as { code?: unknown }).code === 404) return undefined;
        throw err;
      }
    },
    (current) => {
      if (current === undefined) {
        return async () => {
          try {
            return await target.core.createNamespacedConfigMap({ namespace, body });
          } catch (err) {
            if (isConflict(err)) return undefined; // created by an earlier attempt: verified next call
            throw err;
          }
        };
      }
      const same =
        isRecord(current.data) &&
        current.data["suspend-forbidden.yaml"] === body.data["suspend-forbidden.yaml"];
      if (same) return undefined;
      const rv = current.metadata?.resourceVersion;
      return () =>
        target.core.replaceNamespacedConfigMap({
          namespace,
          name,
          body: { ...body, metadata: { ...body.metadata, resourceVersion: rv } },
        });
    },
  );
}

type RestoreEntry = RestoreReport["restores"][number];

function entry(status: VeleroStatus, namespace: string): RestoreEntry {
  const e: RestoreEntry = {
    name: status.name,
    phase: status.phase,
    itemsRestored: status.itemsDone,
    totalItems: status.totalItems,
    errors: status.errors,
    warnings: status.warnings,
    describeCommand: describeCommand("restore", status.name, namespace),
  };
  if (status.failureReason) e.failureReason = status.failureReason;
  return e;
}

export async function runRestore(
  target: ClusterClient,
  ctx: EnvContext,
  backupName: string,
  progress: ProgressFn,
  signal: AbortSignal,
  deps: VeleroDeps & { readinessPollMs: number },
): Promise<RestoreReport> {
  const env = ctx.env;
  const forbidden = parseLabel(env.duplicationForbiddenLabel);
  const names = veleroNames(ctx.migrationId);
  const wait = (name: string) =>
    waitForTerminal(target, {
      kind: "Restore",
      namespace: env.velero.namespace,
      name,
      timeoutMs: env.velero.timeoutMinutes * 60_000,
      pollMs: deps.pollMs,
      allowPartiallyFailed: env.velero.allowPartiallyFailed,
      clock: deps.clock,
      progress,
      signal,
    });

  await waitForBackupSync(target, ctx, backupName, deps, signal, progress);

  // The modifier ConfigMap must exist before the forbidden restore that references it; written first.
  await ensureModifierConfigMap(target, ctx);

  // A failed Restore stays failed: a retry creates the next attempt (`-r2`, ...) and keeps the failed one.
  const attempt = (base: string) =>
    currentAttempt(
      target,
      "restores",
      env.velero.namespace,
      base,
      ctx.migrationId,
      env.velero.allowPartiallyFailed,
    );
  const tolerantAttempt = await attempt(names.tolerantRestore);
  await ensureVeleroObject(
    target,
    "restores",
    tolerantRestoreObject(backupName, env, ctx.migrationId, forbidden, tolerantAttempt.name),
    ctx.migrationId,
  );
  const tolerant = await wait(tolerantAttempt.name);

  throwIfAborted(signal, "restore");
  const forbiddenAttempt = await attempt(names.forbiddenRestore);
  await ensureVeleroObject(
    target,
    "restores",
    forbiddenRestoreObject(backupName, env, ctx.migrationId, forbidden, forbiddenAttempt.name),
    ctx.migrationId,
  );
  const forbiddenStatus = await wait(forbiddenAttempt.name);
  const failedAttempts = [...tolerantAttempt.failed, ...forbiddenAttempt.failed];

  const hostname = await waitServiceAddress(
    target,
    ctx.target,
    env.readinessTimeoutMinutes * 60_000,
    deps.readinessPollMs,
    deps.clock,
    signal,
  );
  deps.logger.info({ cluster: target.name, hostname }, "target ingress hostname read from its Service");
  return {
    restores: [entry(tolerant, env.velero.namespace), entry(forbiddenStatus, env.velero.namespace)],
    targetIngressHostname: hostname,
    ...(failedAttempts.length > 0 ? { failedAttempts } : {}),
  };
}
