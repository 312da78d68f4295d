// "Git" for the simulated GitOps controllers: the desired value of a few fields per resource, shared by
// every host that syncs the same repository (as two clusters syncing one Git path do).

import { clone, getIn, type JsonValue, type KubeObject } from "../types.js";

/** A field path such as `spec.suspend` or `spec.replicas`. */
export type FieldPath = string;

export class GitRepo {
  private readonly files = new Map<string, Map<FieldPath, JsonValue>>();

  private static key(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  /** Commits desired field values for one resource (merged into what is already committed). */
  commit(kind: string, namespace: string, name: string, fields: Record<FieldPath, JsonValue>): void {
    const k = GitRepo.key(kind, namespace, name);
    const file = this.files.get(k) ?? new Map<FieldPath, JsonValue>();
    for (const [path, value] of Object.entries(fields)) file.set(path, clone(value));
    this.files.set(k, file);
  }

  /** Commits the current value of `paths` of each object (what `kubectl get -o yaml > git` would do). */
  commitLive(objects: readonly KubeObject[], paths: readonly FieldPath[]): void {
    for (const o of objects) {
      const fields: Record<FieldPath, JsonValue> = {};
      for (const p of paths) {
        const v = getIn(o, p.split("."));
        if (v !== undefined) fields[p] = v;
      }
      this.commit(o.kind ?? "", o.metadata?.namespace ?? "", o.metadata?.name ?? "", fields);
    }
  }

  desired(kind: string, namespace: string, name: string): ReadonlyMap<FieldPath, JsonValue> | undefined {
    return this.files.get(GitRepo.key(kind, namespace, name));
  }
}
