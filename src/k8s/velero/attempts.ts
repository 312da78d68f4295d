// Attempts of one Velero Backup or Restore. A failed object is terminal in Velero (a storage outage ends
// a Backup FailedValidation for good), so a retry needs a new object: attempt 1 is the base name, attempt
// n is `<base>-r<n>`. The failed ones stay for `velero ... describe`. Which attempt is current is read
// from the cluster every time, so a retry after a crash finds the attempt in flight instead of another.

import type { ClusterClient } from "../clusterRegistry.js";
import { labelValue, MIGRATION_LABEL } from "../labels.js";
import { getString, itemsOf } from "../objects.js";
import { classifyPhase, describeCommand, readStatus } from "./phases.js";
import { VELERO_GROUP, VELERO_VERSION } from "./specs.js";
import type { VeleroPlural } from "./watch.js";

export interface FailedAttempt {
  name: string;
  phase: string;
  reason?: string;
  describeCommand: string;
}

export function attemptName(base: string, n: number): string {
  return n <= 1 ? base : `${base}-r${n}`;
}

/** The attempt number of `name` for `base` (1 for the base itself), or undefined. */
export function attemptNumber(base: string, name: string): number | undefined {
  if (name === base) return 1;
  const m = name.startsWith(`${base}-r`) ? /^(\d+)$/.exec(name.slice(base.length + 2)) : null;
  const n = m ? Number(m[1]) : Number.NaN;
  return Number.isInteger(n) && n >= 2 ? n : undefined;
}

function failure(obj: unknown, plural: VeleroPlural, namespace: string): FailedAttempt {
  const s = readStatus(obj, plural === "backups" ? "itemsBackedUp" : "itemsRestored");
  const reason =
    s.failureReason ?? (s.validationErrors.length > 0 ? s.validationErrors.join("; ") : undefined);
  return {
    name: s.name,
    phase: s.phase,
    ...(reason ? { reason } : {}),
    describeCommand: describeCommand(plural === "backups" ? "backup" : "restore", s.name, namespace),
  };
}

/**
 * The name to create or wait on now, and the failed attempts before it (oldest first). The latest
 * attempt is current unless it failed; then the next number is.
 */
export async function currentAttempt(
  client: ClusterClient,
  plural: VeleroPlural,
  namespace: string,
  base: string,
  migrationId: string,
  allowPartiallyFailed: boolean,
): Promise<{ name: string; failed: FailedAttempt[] }> {
  const list = await client.policy.call(`${client.name}: list ${plural} of ${migrationId}`, () =>
    client.custom.listNamespacedCustomObject({
      group: VELERO_GROUP,
      version: VELERO_VERSION,
      namespace,
      plural,
      labelSelector: `${MIGRATION_LABEL}=${labelValue(migrationId)}`,
    }),
  );
  const attempts = itemsOf(list)
    .map((o) => ({ o, n: attemptNumber(base, getString(o, ["metadata", "name"]) ?? "") }))
    .filter((a): a is { o: unknown; n: number } => a.n !== undefined)
    .sort((a, b) => a.n - b.n);
  const failed = attempts
    .filter(
      (a) => classifyPhase(getString(a.o, ["status", "phase"]) ?? "", allowPartiallyFailed).kind === "failed",
    )
    .map((a) => failure(a.o, plural, namespace));
  const latest = attempts.at(-1);
  if (!latest) return { name: base, failed };
  const latestFailed =
    classifyPhase(getString(latest.o, ["status", "phase"]) ?? "", allowPartiallyFailed).kind === "failed";
  return { name: latestFailed ? attemptName(base, latest.n + 1) : attemptName(base, latest.n), failed };
}
