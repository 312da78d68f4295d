// The backup storage (an object-store bucket) shared by every host that has Velero installed.

import { clone, type KubeObject } from "../types.js";

export interface BackedUpItem {
  group: string;
  /** The version the item was read at (the source's preferred version of its group). */
  version: string;
  kind: string;
  /** Plural resource name, e.g. `cronjobs`. */
  resource: string;
  namespace?: string;
  name: string;
  /** The object as read from the source, status included (Velero keeps it in the tarball). */
  object: KubeObject;
}

export interface StoredBackup {
  name: string;
  location: string;
  /** The Backup custom resource as it stood when the backup finished. */
  backup: KubeObject;
  items: BackedUpItem[];
  sourceHost: string;
  /** Wall-clock ms when the backup was uploaded. */
  uploadedAt: number;
}

export class VeleroStore {
  private readonly backups = new Map<string, StoredBackup>();

  put(b: StoredBackup): void {
    this.backups.set(b.name, {
      ...b,
      backup: clone(b.backup),
      items: b.items.map((i) => ({ ...i, object: clone(i.object) })),
    });
  }

  get(name: string): StoredBackup | undefined {
    return this.backups.get(name);
  }

  list(): StoredBackup[] {
    return [...this.backups.values()];
  }

  delete(name: string): boolean {
    return this.backups.delete(name);
  }
}

export function createVeleroStore(): VeleroStore {
  return new VeleroStore();
}
