// Velero on one host: install, and the backup, restore and backup-sync controllers.

import type { KubeApi } from "../api.js";
import { TimerController } from "../controllers/controller.js";
import type { ObjectAccess } from "../fixtures.js";
import type { ChangeEvent } from "../store.js";
import { getString, type KubeObject, rfc3339 } from "../types.js";
import { runBackup } from "./backup.js";
import { type VeleroContext, type VeleroTimings, veleroDef } from "./context.js";
import { installVeleroObjects } from "./install.js";
import type { VeleroInjection } from "./phases.js";
import { type RestoreResult, runRestore } from "./restore.js";
import type { VeleroStore } from "./store.js";

export interface VeleroHostOptions {
  /** The bucket, shared with the other hosts. */
  store: VeleroStore;
  /** Velero's namespace. Default `velero`. */
  namespace?: string;
  /** Phase of the default BackupStorageLocation. Default Available. */
  bslPhase?: "Available" | "Unavailable";
  /** Real ms a backup spends InProgress. Default 100. */
  backupDurationMs?: number;
  /** Real ms a restore spends InProgress. Default 100. */
  restoreDurationMs?: number;
  /** Real ms after upload before other hosts see the Backup (Velero syncs every 60 s). Default 150. */
  syncDelayMs?: number;
  /** Real ms between sync passes. Default 20. */
  syncPeriodMs?: number;
  inject?: VeleroInjection;
  /** Velero server version, shown as the image tag of the `velero` Deployment. Default v1.14.1. */
  version?: string;
}

export function installVelero(objects: ObjectAccess, opts: VeleroHostOptions, now: number): void {
  installVeleroObjects(
    objects,
    opts.namespace ?? "velero",
    opts.bslPhase ?? "Available",
    rfc3339(now),
    opts.version ?? "v1.14.1",
  );
}

export class VeleroHost extends TimerController {
  readonly namespace: string;
  /** Outcome injection; replace or mutate at any time. */
  inject: VeleroInjection;
  private bsl: "Available" | "Unavailable";
  private readonly ctx: VeleroContext;
  private readonly handled = new Set<string>();
  private readonly results = new Map<string, RestoreResult>();

  constructor(
    api: KubeApi,
    readonly hostName: string,
    readonly options: VeleroHostOptions,
  ) {
    super(api);
    this.namespace = options.namespace ?? "velero";
    this.inject = options.inject ?? {};
    this.bsl = options.bslPhase ?? "Available";
    const timings: VeleroTimings = {
      backupDurationMs: options.backupDurationMs ?? 100,
      restoreDurationMs: options.restoreDurationMs ?? 100,
      syncDelayMs: options.syncDelayMs ?? 150,
      syncPeriodMs: options.syncPeriodMs ?? 20,
    };
    this.ctx = {
      api,
      hostName,
      namespace: this.namespace,
      store: options.store,
      timings,
      inject: () => this.inject,
      bslPhase: () => this.bsl,
      after: (ms, fn) => this.after(ms, fn),
    };
  }

  get store(): VeleroStore {
    return this.options.store;
  }

  /** Per-item errors and warnings of a finished restore (what `velero restore describe --details` shows). */
  restoreResult(name: string): RestoreResult | undefined {
    return this.results.get(name);
  }

  /** Makes the default BackupStorageLocation Available or Unavailable (status and behaviour). */
  setBslPhase(phase: "Available" | "Unavailable"): void {
    this.bsl = phase;
    const def = veleroDef(this.ctx, "backupstoragelocations");
    const cur = this.api.store.get("velero.io/backupstoragelocations", this.namespace, "default");
    if (!def || !cur) return;
    this.api.update(
      { def, version: "v1", namespace: this.namespace, name: "default", subresource: "status" },
      {
        ...cur,
        status: {
          ...(cur.status ?? {}),
          phase,
          lastValidationTime: rfc3339(this.api.options.clock.now()),
          message:
            phase === "Available"
              ? ""
              : 'BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = RequestError: send request failed',
        },
      },
    );
  }

  /**
   * The storage location is Unavailable for `ms` real milliseconds, then Available again (a bucket or
   * network outage): Backups created meanwhile end FailedValidation, as Velero's backup controller does.
   */
  storageOutage(ms: number): void {
    this.setBslPhase("Unavailable");
    this.after(ms, () => this.setBslPhase("Available"));
  }

  protected override onStart(): void {
    for (const b of this.api.store.list("velero.io/backups", this.namespace)) this.consider("backups", b);
    for (const r of this.api.store.list("velero.io/restores", this.namespace)) this.consider("restores", r);
    this.every(this.ctx.timings.syncPeriodMs, () => this.sync());
  }

  protected override onChange(e: ChangeEvent): void {
    if (e.type !== "ADDED") {
      if (e.type === "DELETED")
        this.handled.delete(
          `${e.resource}/${e.object.metadata?.namespace ?? ""}/${e.object.metadata?.name ?? ""}`,
        );
      return;
    }
    if (e.resource === "velero.io/backups") this.consider("backups", e.object);
    if (e.resource === "velero.io/restores") this.consider("restores", e.object);
  }

  private consider(plural: "backups" | "restores", obj: KubeObject): void {
    if (obj.metadata?.namespace !== this.namespace) return;
    const phase = getString(obj, ["status", "phase"]) ?? "";
    if (phase !== "" && phase !== "New") return;
    const name = obj.metadata?.name ?? "";
    const key = `velero.io/${plural}/${this.namespace}/${name}`;
    if (this.handled.has(key)) return;
    this.handled.add(key);
    this.after(0, () =>
      plural === "backups" ? runBackup(this.ctx, name) : runRestore(this.ctx, name, this.results),
    );
  }

  /** Velero's backup sync: backups in the bucket appear here `syncDelayMs` after upload. */
  private sync(): void {
    if (this.bsl !== "Available") return;
    const def = veleroDef(this.ctx, "backups");
    if (!def) return;
    const now = Date.now();
    for (const b of this.options.store.list()) {
      if (b.uploadedAt + this.ctx.timings.syncDelayMs > now) continue;
      if (this.api.store.has("velero.io/backups", this.namespace, b.name)) continue;
      const key = `velero.io/backups/${this.namespace}/${b.name}`;
      this.handled.add(key);
      const labels = { ...(b.backup.metadata?.labels ?? {}), "velero.io/storage-location": b.location };
      this.api.create(
        { def, version: "v1", namespace: this.namespace },
        {
          apiVersion: "velero.io/v1",
          kind: "Backup",
          metadata: { name: b.name, labels },
          spec: b.backup.spec ?? {},
          status: b.backup.status ?? {},
        },
      );
    }
  }
}
