import type { ResourceDef } from "../resources.js";
import { getString, type JsonObject, type KubeObject } from "../types.js";
import { nowString, patchStatus, type VeleroContext } from "./context.js";
import { filterFromSpec, matchesSelectors, passesScope } from "./filters.js";
import { type ModifierRule, parseModifiers } from "./modifiers.js";
import { groupResource, type RestoreResult, restoreItems } from "./restore-items.js";
import type { BackedUpItem } from "./store.js";

export type { RestoreResult } from "./restore-items.js";

const NON_RESTORABLE = new Set([
  "nodes",
  "events",
  "events.events.k8s.io",
  "backups.velero.io",
  "restores.velero.io",
  "resticrepositories.velero.io",
  "backuprepositories.velero.io",
  "csinodes.storage.k8s.io",
  "volumeattachments.storage.k8s.io",
]);

/** Velero's default restore priorities; everything else follows in backup order. */
const PRIORITY = [
  "customresourcedefinitions",
  "namespaces",
  "storageclasses",
  "persistentvolumes",
  "persistentvolumeclaims",
  "serviceaccounts",
  "secrets",
  "configmaps",
  "limitranges",
  "pods",
  "replicasets.apps",
  "endpoints",
  "services",
];

function priority(i: BackedUpItem): number {
  const idx = PRIORITY.findIndex((p) => p === groupResource(i) || p === i.resource);
  return idx < 0 ? PRIORITY.length : idx;
}

function validate(ctx: VeleroContext, restore: KubeObject): { errors: string[]; rules: ModifierRule[] } {
  const errors: string[] = [];
  let rules: ModifierRule[] = [];
  const backupName = getString(restore, ["spec", "backupName"]) ?? "";
  const backup = ctx.api.store.get("velero.io/backups", ctx.namespace, backupName);
  if (!backupName)
    errors.push("Either a backup or schedule must be specified as a source for the restore, but not both");
  else if (!backup) errors.push(`Error retrieving backup: backups.velero.io "${backupName}" not found`);
  else {
    const phase = getString(backup, ["status", "phase"]) ?? "";
    if (phase !== "Completed" && phase !== "PartiallyFailed") {
      errors.push(
        `backup "${backupName}" is not ready to be restored from: phase is ${phase || "New"}, must be Completed or PartiallyFailed`,
      );
    }
  }
  const policy = getString(restore, ["spec", "existingResourcePolicy"]) ?? "";
  if (!["", "none", "update"].includes(policy)) errors.push(`Invalid existing resource policy ${policy}`);
  const spec = restore.spec;
  if (spec?.labelSelector && Array.isArray(spec.orLabelSelectors) && spec.orLabelSelectors.length > 0) {
    errors.push(
      "encountered labelSelector as well as orLabelSelectors in restore spec, only one can be specified",
    );
  }
  const modName = getString(restore, ["spec", "resourceModifier", "name"]);
  if (modName) {
    const cm = ctx.api.store.get("/configmaps", ctx.namespace, modName);
    if (!cm) errors.push(`failed to get resource modifiers configmap ${ctx.namespace}/${modName}`);
    else {
      try {
        rules = parseModifiers(cm);
      } catch (e) {
        errors.push(
          `Error in parsing resource modifiers provided in configmap ${ctx.namespace}/${modName}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }
  return { errors, rules };
}

export function runRestore(ctx: VeleroContext, name: string, results: Map<string, RestoreResult>): void {
  const restore = ctx.api.store.get("velero.io/restores", ctx.namespace, name);
  if (!restore) return;
  const { errors, rules } = validate(ctx, restore);
  if (errors.length > 0) {
    patchStatus(ctx, "restores", name, { phase: "FailedValidation", validationErrors: errors });
    return;
  }
  const backupName = getString(restore, ["spec", "backupName"]) ?? "";
  patchStatus(ctx, "restores", name, { phase: "New" }, { "velero.io/backup-name": backupName });
  const duration = ctx.timings.restoreDurationMs;
  ctx.after(Math.min(10, duration / 4), () => {
    const stored = ctx.store.get(backupName);
    const startTimestamp = nowString(ctx);
    if (!stored) {
      patchStatus(ctx, "restores", name, {
        phase: "Failed",
        startTimestamp,
        completionTimestamp: nowString(ctx),
        failureReason: `error downloading backup: backup "${backupName}" not found in object storage`,
      });
      return;
    }
    const restoreSpec = ctx.api.store.get("velero.io/restores", ctx.namespace, name);
    const filter = filterFromSpec(restoreSpec?.spec);
    const items = stored.items
      .filter((i) => !NON_RESTORABLE.has(groupResource(i)) && !NON_RESTORABLE.has(i.resource))
      .filter((i) => {
        const def = ctx.api.registry.byGroupKind(i.group, i.kind);
        const scopeDef: ResourceDef = def ?? {
          group: i.group,
          versions: [i.version],
          plural: i.resource,
          singular: i.kind.toLowerCase(),
          kind: i.kind,
          namespaced: i.namespace !== undefined,
          statusSubresource: false,
        };
        return passesScope(filter, scopeDef, i.namespace, i.name) && matchesSelectors(filter, i.object);
      })
      .sort((a, b) => priority(a) - priority(b));
    patchStatus(ctx, "restores", name, {
      phase: "InProgress",
      startTimestamp,
      progress: { totalItems: items.length, itemsRestored: 0 },
    });
    ctx.after(duration / 2, () => {
      const result = restoreItems(ctx, name, restoreSpec ?? restore, items, rules);
      results.set(name, result);
      patchStatus(ctx, "restores", name, {
        progress: { totalItems: items.length, itemsRestored: result.restored.length },
      });
      ctx.after(duration / 2, () => {
        const injected = ctx.inject().restore?.(name);
        const status: JsonObject = {
          completionTimestamp: nowString(ctx),
          progress: { totalItems: items.length, itemsRestored: result.restored.length },
        };
        if (result.warnings.length > 0) status.warnings = result.warnings.length;
        let errorCount = result.errors.length;
        if (injected?.phase === "PartiallyFailed") errorCount += injected.errors;
        if (errorCount > 0) status.errors = errorCount;
        if (injected?.phase === "Failed") {
          status.phase = "Failed";
          status.failureReason = injected.failureReason;
        } else {
          status.phase = errorCount > 0 ? "PartiallyFailed" : "Completed";
        }
        patchStatus(ctx, "restores", name, status);
      });
    });
  });
}
