// The host's etcd: objects by resource, with a global resourceVersion counter and change listeners.

import { clone, type KubeObject } from "./types.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface ChangeEvent {
  type: ChangeType;
  /** `group/plural` of the changed object. */
  resource: string;
  object: KubeObject;
  old?: KubeObject;
}

export type ChangeListener = (event: ChangeEvent) => void;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

export class ObjectStore {
  private revision = 0;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<ChangeListener>();

  get resourceVersion(): string {
    return String(this.revision);
  }

  nextResourceVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.data.get(resource)?.get(objectKey(namespace, name));
    return obj ? clone(obj) : undefined;
  }

  has(resource: string, namespace: string | undefined, name: string): boolean {
    return this.data.get(resource)?.has(objectKey(namespace, name)) ?? false;
  }

  /** Objects of a resource (optionally one namespace), in etcd key order (namespace, then name). */
  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.data.get(resource);
    if (!bucket) return [];
    const keys = [...bucket.keys()].sort();
    const out: KubeObject[] = [];
    for (const key of keys) {
      const obj = bucket.get(key)!;
      if (namespace !== undefined && obj.metadata?.namespace !== namespace) continue;
      out.push(clone(obj));
    }
    return out;
  }

  /** Copies of the objects of a resource that match `pred` (the predicate sees the stored object: no writes). */
  filter(resource: string, pred: (obj: KubeObject) => boolean): KubeObject[] {
    const bucket = this.data.get(resource);
    if (!bucket) return [];
    const out: KubeObject[] = [];
    for (const obj of bucket.values()) if (pred(obj)) out.push(clone(obj));
    return out;
  }

  count(resource: string): number {
    return this.data.get(resource)?.size ?? 0;
  }

  resources(): string[] {
    return [...this.data.keys()];
  }

  /** Writes an object whose metadata (resourceVersion included) is already final. */
  write(resource: string, obj: KubeObject): void {
    let bucket = this.data.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.data.set(resource, bucket);
    }
    const key = objectKey(obj.metadata?.namespace, obj.metadata?.name ?? "");
    const old = bucket.get(key);
    const stored = clone(obj);
    bucket.set(key, stored);
    this.emit(
      old
        ? { type: "MODIFIED", resource, object: clone(stored), old }
        : { type: "ADDED", resource, object: clone(stored) },
    );
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.data.get(resource);
    const key = objectKey(namespace, name);
    const old = bucket?.get(key);
    if (!bucket || !old) return undefined;
    bucket.delete(key);
    this.emit({ type: "DELETED", resource, object: clone(old) });
    return old;
  }

  dropResource(resource: string): KubeObject[] {
    const bucket = this.data.get(resource);
    if (!bucket) return [];
    const removed = [...bucket.values()];
    this.data.delete(resource);
    for (const object of removed) this.emit({ type: "DELETED", resource, object });
    return removed;
  }

  private emit(event: ChangeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's failure must not break a write
      }
    }
  }
}
