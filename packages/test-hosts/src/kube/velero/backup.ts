// Backup controller: New → InProgress → Finalizing → Completed | PartiallyFailed | Failed, copying the
// selected objects (status included) into the shared store; FailedValidation when the BSL is unusable.

import { groupVersion, type ResourceDef, resourceKey } from "../resources.js";
import { getString, type JsonObject, type KubeObject, rfc3339 } from "../types.js";
import { nowString, parseGoDuration, patchStatus, type VeleroContext } from "./context.js";
import { filterFromSpec, matchesSelectors, passesScope } from "./filters.js";
import type { BackedUpItem } from "./store.js";

/** Kinds Velero never puts in a backup here (its own in-flight objects, events, reviews). */
const NOT_BACKED_UP = new Set([
  "velero.io/backups",
  "velero.io/restores",
  "/events",
  "authorization.k8s.io/selfsubjectaccessreviews",
]);

export function collectItems(ctx: VeleroContext, backup: KubeObject): BackedUpItem[] {
  const filter = filterFromSpec(backup.spec);
  const items: BackedUpItem[] = [];
  const reg = ctx.api.registry;
  const defs: ResourceDef[] = reg
    .all()
    .filter((d) => reg.isServed(d) && !d.review && !NOT_BACKED_UP.has(resourceKey(d)));
  for (const def of defs) {
    const version = reg.preferredVersion(def) ?? def.versions[0]!;
    for (const obj of ctx.api.store.list(resourceKey(def))) {
      const name = obj.metadata?.name ?? "";
      const namespace = obj.metadata?.namespace;
      if (!passesScope(filter, def, namespace, name)) continue;
      if (!matchesSelectors(filter, obj)) continue;
      if (obj.metadata?.labels?.["velero.io/exclude-from-backup"] === "true") continue;
      const item: BackedUpItem = {
        group: def.group,
        version,
        kind: def.kind,
        resource: def.plural,
        name,
        object: { ...obj, apiVersion: groupVersion(def.group, version), kind: def.kind },
      };
      if (namespace !== undefined) item.namespace = namespace;
      items.push(item);
    }
  }
  return items;
}

function validate(ctx: VeleroContext, backup: KubeObject): string[] {
  const errors: string[] = [];
  const location = getString(backup, ["spec", "storageLocation"]) ?? "default";
  const bsl = ctx.api.store.get("velero.io/backupstoragelocations", ctx.namespace, location);
  if (!bsl) {
    errors.push(
      `an existing backup storage location was not specified at backup creation time and the server default '${location}' does not exist. Please address this issue (see \`velero backup-location -h\` for options) and create a new backup. Error: backupstoragelocations.velero.io "${location}" not found`,
    );
  } else if (getString(bsl, ["status", "phase"]) !== "Available" || ctx.bslPhase() !== "Available") {
    errors.push(
      `backup can't be created because BackupStorageLocation ${location} is in Unavailable status.`,
    );
  }
  const ttl = getString(backup, ["spec", "ttl"]);
  if (ttl !== undefined && parseGoDuration(ttl) === undefined) errors.push(`invalid TTL "${ttl}"`);
  const sel = backup.spec?.labelSelector;
  const ors = backup.spec?.orLabelSelectors;
  if (sel && Array.isArray(ors) && ors.length > 0) {
    errors.push(
      "encountered labelSelector as well as orLabelSelectors in backup spec, only one can be specified",
    );
  }
  return errors;
}

/** Runs one backup to its end on timers. */
export function runBackup(ctx: VeleroContext, name: string): void {
  const cur = ctx.api.store.get("velero.io/backups", ctx.namespace, name);
  if (!cur) return;
  const errors = validate(ctx, cur);
  if (errors.length > 0) {
    patchStatus(ctx, "backups", name, {
      phase: "FailedValidation",
      validationErrors: errors,
      version: 1,
      formatVersion: "1.1.0",
    });
    return;
  }
  patchStatus(ctx, "backups", name, { phase: "New" });
  const location = getString(cur, ["spec", "storageLocation"]) ?? "default";
  const { backupDurationMs } = ctx.timings;
  ctx.after(Math.min(10, backupDurationMs / 4), () => {
    const backup = ctx.api.store.get("velero.io/backups", ctx.namespace, name);
    if (!backup) return;
    const start = ctx.api.options.clock.now();
    const ttl = parseGoDuration(getString(backup, ["spec", "ttl"]) ?? "720h0m0s") ?? 720 * 3_600_000;
    const items = collectItems(ctx, backup);
    patchStatus(
      ctx,
      "backups",
      name,
      {
        phase: "InProgress",
        version: 1,
        formatVersion: "1.1.0",
        startTimestamp: rfc3339(start),
        expiration: rfc3339(start + ttl),
        progress: { totalItems: items.length, itemsBackedUp: 0 },
      },
      { "velero.io/storage-location": location },
    );
    ctx.after(backupDurationMs / 2, () => {
      patchStatus(ctx, "backups", name, {
        progress: { totalItems: items.length, itemsBackedUp: Math.floor(items.length / 2) },
      });
    });
    ctx.after(backupDurationMs, () => finish(ctx, name, location, items));
  });
}

function finish(ctx: VeleroContext, name: string, location: string, items: BackedUpItem[]): void {
  const outcome = ctx.inject().backup?.(name) ?? { phase: "Completed" as const };
  const progress = { totalItems: items.length, itemsBackedUp: items.length };
  if (outcome.phase === "Failed") {
    patchStatus(ctx, "backups", name, {
      phase: "Failed",
      failureReason: outcome.failureReason,
      completionTimestamp: nowString(ctx),
      progress: { totalItems: items.length, itemsBackedUp: Math.floor(items.length / 2) },
    });
    return;
  }
  const partial = outcome.phase === "PartiallyFailed";
  const counts: JsonObject = {};
  if (partial) counts.errors = outcome.errors;
  if (outcome.warnings) counts.warnings = outcome.warnings;
  patchStatus(ctx, "backups", name, {
    phase: partial ? "FinalizingPartiallyFailed" : "Finalizing",
    progress,
    ...counts,
  });
  ctx.after(Math.min(10, ctx.timings.backupDurationMs / 4), () => {
    const done = patchStatus(ctx, "backups", name, {
      phase: outcome.phase,
      completionTimestamp: nowString(ctx),
      progress,
      ...counts,
    });
    if (!done) return;
    ctx.store.put({ name, location, backup: done, items, sourceHost: ctx.hostName, uploadedAt: Date.now() });
  });
}
