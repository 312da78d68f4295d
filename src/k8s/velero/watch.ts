// Reading, creating and waiting on Velero custom objects (Backup, Restore) through the API server.

import type { ProgressFn } from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { labelValue, MIGRATION_LABEL } from "../labels.js";
import { getString } from "../objects.js";
import { isConflict, isNotFound } from "../requestPolicy.js";
import { type Clock, throwIfAborted } from "../runtime.js";
import { classifyPhase, describeCommand, readStatus, summarise, type VeleroStatus } from "./phases.js";
import { VELERO_GROUP, VELERO_VERSION } from "./specs.js";

export type VeleroPlural = "backups" | "restores";

export async function getVeleroObject(
  client: ClusterClient,
  namespace: string,
  plural: VeleroPlural,
  name: string,
): Promise<unknown | undefined> {
  try {
    return await client.policy.call(`${client.name}: get ${plural}/${name}`, () =>
      client.custom.getNamespacedCustomObject({
        group: VELERO_GROUP,
        version: VELERO_VERSION,
        namespace,
        plural,
        name,
      }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Creates `body` unless an object of that name exists. An existing one must carry this migration's
 * label, else the name is someone else's and we refuse to adopt it.
 */
export async function ensureVeleroObject(
  client: ClusterClient,
  plural: VeleroPlural,
  body: { metadata: { name: string; namespace: string } },
  migrationId: string,
): Promise<{ created: boolean; object: unknown }> {
  const { name, namespace } = body.metadata;
  const existing = await getVeleroObject(client, namespace, plural, name);
  if (existing !== undefined)
    return { created: false, object: checkOwner(existing, plural, name, migrationId) };
  try {
    const object = await client.policy.call(`${client.name}: create ${plural}/${name}`, () =>
      client.custom.createNamespacedCustomObject({
        group: VELERO_GROUP,
        version: VELERO_VERSION,
        namespace,
        plural,
        body,
      }),
    );
    return { created: true, object };
  } catch (err) {
    // A retried create whose first attempt landed: adopt it.
    if (!isConflict(err)) throw err;
    const again = await getVeleroObject(client, namespace, plural, name);
    if (again === undefined) throw err;
    return { created: false, object: checkOwner(again, plural, name, migrationId) };
  }
}

function checkOwner(obj: unknown, plural: string, name: string, migrationId: string): unknown {
  const owner = getString(obj, ["metadata", "labels", MIGRATION_LABEL]);
  if (owner !== labelValue(migrationId)) {
    throw new Error(
      `${plural}/${name} already exists and belongs to ${owner ? `migration ${owner}` : "no hikkoshi migration"}; ` +
        `delete it or use another migration id`,
    );
  }
  return obj;
}

export interface WaitOptions {
  kind: "Backup" | "Restore";
  namespace: string;
  name: string;
  timeoutMs: number;
  pollMs: number;
  allowPartiallyFailed: boolean;
  clock: Clock;
  progress: ProgressFn;
  signal: AbortSignal;
}

export class VeleroFailedError extends Error {
  constructor(
    message: string,
    readonly status: VeleroStatus,
  ) {
    super(message);
    this.name = "VeleroFailedError";
  }
}

/** Polls until a terminal phase; throws VeleroFailedError on failure (or timeout), with counts and reason. */
export async function waitForTerminal(client: ClusterClient, opts: WaitOptions): Promise<VeleroStatus> {
  const plural: VeleroPlural = opts.kind === "Backup" ? "backups" : "restores";
  const doneField = opts.kind === "Backup" ? "itemsBackedUp" : "itemsRestored";
  const describe = describeCommand(opts.kind === "Backup" ? "backup" : "restore", opts.name, opts.namespace);
  const deadline = opts.clock.now() + opts.timeoutMs;
  for (;;) {
    throwIfAborted(opts.signal, `${opts.kind} ${opts.name}`);
    const obj = await getVeleroObject(client, opts.namespace, plural, opts.name);
    if (obj === undefined) {
      throw new Error(
        `${opts.kind} ${opts.namespace}/${opts.name} disappeared from ${client.name} while waiting`,
      );
    }
    const status = readStatus(obj, doneField);
    opts.progress(status.itemsDone, status.totalItems, "items", `${opts.kind} ${status.phase || "New"}`);
    const cls = classifyPhase(status.phase, opts.allowPartiallyFailed);
    switch (cls.kind) {
      case "succeeded":
        return status;
      case "failed":
        throw new VeleroFailedError(summarise(opts.kind, status, describe), status);
      case "running":
      case "unknown":
        break;
      default: {
        const never: never = cls;
        throw new Error(`unexpected phase class ${JSON.stringify(never)}`);
      }
    }
    if (opts.clock.now() >= deadline) {
      throw new VeleroFailedError(
        `${opts.kind} ${opts.name} still ${status.phase || "New"} after ${Math.round(opts.timeoutMs / 60_000)} min ` +
          `(${status.itemsDone}/${status.totalItems} items). Details: ${describe}`,
        status,
      );
    }
    await opts.clock.sleep(opts.pollMs, opts.signal);
  }
}
