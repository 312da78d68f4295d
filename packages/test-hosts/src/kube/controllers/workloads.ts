// Deployment / StatefulSet / DaemonSet controller: workloads become ready `readyDelayMs` after a change,
// or never (ProgressDeadlineExceeded) when marked so. Optionally keeps Pods in step with replicas.

import { createHash } from "node:crypto";
import type { KubeApi, Target } from "../api.js";
import { generatedSuffix } from "../lifecycle.js";
import { type ResourceDef, resourceKey } from "../resources.js";
import type { ChangeEvent } from "../store.js";
import { getIn, getNumber, getStringMap, type JsonObject, type KubeObject, rfc3339 } from "../types.js";
import { TimerController } from "./controller.js";

export interface WorkloadOptions {
  /** Real ms from a spec change until the workload reports ready. Default 200. */
  readyDelayMs?: number;
  /** Real ms for pods to go away after a scale-down. Default 100. */
  podTerminationDelayMs?: number;
  /** Real ms until a never-ready workload reports ProgressDeadlineExceeded. Default 2 × readyDelayMs. */
  progressDeadlineMs?: number;
  /** `Kind/namespace/name` or `namespace/name` of workloads that never become ready. */
  neverReady?: string[];
  /** Number of nodes (DaemonSet desired count). Default 3. */
  nodes?: number;
  /** Create Pods (owned by the workload) to match replicas. Default false. */
  pods?: boolean;
}

const KINDS = new Set(["apps/deployments", "apps/statefulsets", "apps/daemonsets"]);

function condition(
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  at: string,
): JsonObject {
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export class WorkloadController extends TimerController {
  private readonly neverReady: Set<string>;
  private readonly pending = new Map<string, string>();

  constructor(
    api: KubeApi,
    readonly options: WorkloadOptions,
  ) {
    super(api);
    this.neverReady = new Set(options.neverReady ?? []);
  }

  /** Marks a workload never-ready (or ready again); takes effect on its next reconcile (triggered now). */
  setNeverReady(kind: string, namespace: string, name: string, never = true): void {
    const key = `${kind}/${namespace}/${name}`;
    if (never) this.neverReady.add(key);
    else this.neverReady.delete(key);
    const def = this.api.registry.byGroupKind("apps", kind);
    if (!def) return;
    const obj = this.api.store.get(resourceKey(def), namespace, name);
    if (obj) {
      this.pending.delete(`${resourceKey(def)}/${namespace}/${name}`);
      this.reconcile(def, obj, true);
    }
  }

  private isNeverReady(def: ResourceDef, obj: KubeObject): boolean {
    const ns = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    return this.neverReady.has(`${def.kind}/${ns}/${name}`) || this.neverReady.has(`${ns}/${name}`);
  }

  protected override onStart(): void {
    for (const key of KINDS) {
      const def = this.api.registry.byKey(key);
      if (def) for (const obj of this.api.store.list(key)) this.reconcile(def, obj, false);
    }
  }

  protected override onChange(e: ChangeEvent): void {
    if (!KINDS.has(e.resource) || e.type === "DELETED") return;
    const def = this.api.registry.byKey(e.resource);
    if (def) this.reconcile(def, e.object, false);
  }

  private desired(def: ResourceDef, obj: KubeObject): number {
    if (def.kind === "DaemonSet") return this.options.nodes ?? 3;
    return getNumber(obj, ["spec", "replicas"]) ?? 1;
  }

  private reconcile(def: ResourceDef, obj: KubeObject, force: boolean): void {
    const generation = obj.metadata?.generation ?? 1;
    const desired = this.desired(def, obj);
    const never = this.isNeverReady(def, obj);
    const observed = getNumber(obj, ["status", "observedGeneration"]);
    const signature = `${generation}/${desired}/${never}`;
    const key = `${resourceKey(def)}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
    if (!force && observed === generation && this.pending.get(key) === undefined) return;
    if (!force && this.pending.get(key) === signature) return;
    this.pending.set(key, signature);
    const ns = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    const target: Target = { def, version: "v1", namespace: ns, name, subresource: "status" };
    // Observed at once, like a real controller's first sync; ready later.
    this.after(0, () => this.writeStatus(target, (cur, at) => this.progressing(def, cur, at)));
    const current = getNumber(obj, ["status", "readyReplicas"]) ?? 0;
    const delay = never
      ? (this.options.progressDeadlineMs ?? 2 * (this.options.readyDelayMs ?? 200))
      : desired < current
        ? (this.options.podTerminationDelayMs ?? 100)
        : (this.options.readyDelayMs ?? 200);
    this.after(delay, () => {
      if (this.pending.get(key) !== signature) return;
      this.pending.delete(key);
      this.writeStatus(target, (cur, at) => this.settled(def, cur, at, this.isNeverReady(def, cur)));
      if (this.options.pods) this.syncPods(def, target);
    });
  }

  private writeStatus(t: Target, build: (cur: KubeObject, at: string) => JsonObject): void {
    const cur = this.api.store.get(resourceKey(t.def), t.namespace, t.name ?? "");
    if (!cur) return;
    const status = build(cur, rfc3339(this.api.options.clock.now()));
    this.api.update(t, { ...cur, status });
  }

  private progressing(def: ResourceDef, cur: KubeObject, at: string): JsonObject {
    const desired = this.desired(def, cur);
    const gen = cur.metadata?.generation ?? 1;
    const ready = Math.min(getNumber(cur, ["status", "readyReplicas"]) ?? 0, desired);
    return this.statusFor(def, cur, gen, desired, ready, 0, [
      condition(
        "Available",
        ready >= desired ? "True" : "False",
        ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        ready >= desired
          ? "Deployment has minimum availability."
          : "Deployment does not have minimum availability.",
        at,
      ),
      condition(
        "Progressing",
        "True",
        "ReplicaSetUpdated",
        `ReplicaSet "${cur.metadata?.name ?? ""}" is progressing.`,
        at,
      ),
    ]);
  }

  private settled(def: ResourceDef, cur: KubeObject, at: string, never: boolean): JsonObject {
    const desired = this.desired(def, cur);
    const gen = cur.metadata?.generation ?? 1;
    const name = cur.metadata?.name ?? "";
    if (never) {
      return this.statusFor(def, cur, gen, desired, 0, desired, [
        condition(
          "Available",
          "False",
          "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability.",
          at,
        ),
        condition(
          "Progressing",
          "False",
          "ProgressDeadlineExceeded",
          `ReplicaSet "${name}" has timed out progressing.`,
          at,
        ),
      ]);
    }
    return this.statusFor(def, cur, gen, desired, desired, desired, [
      condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", at),
      condition(
        "Progressing",
        "True",
        "NewReplicaSetAvailable",
        `ReplicaSet "${name}" has successfully progressed.`,
        at,
      ),
    ]);
  }

  private statusFor(
    def: ResourceDef,
    cur: KubeObject,
    gen: number,
    desired: number,
    ready: number,
    updated: number,
    conditions: JsonObject[],
  ): JsonObject {
    const revision = `${cur.metadata?.name ?? ""}-${templateHash(cur)}`;
    if (def.kind === "DaemonSet") {
      return {
        observedGeneration: gen,
        desiredNumberScheduled: desired,
        currentNumberScheduled: desired,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        numberUnavailable: desired - ready,
        updatedNumberScheduled: updated,
      };
    }
    if (def.kind === "StatefulSet") {
      return {
        observedGeneration: gen,
        replicas: Math.max(desired, ready),
        readyReplicas: ready,
        availableReplicas: ready,
        currentReplicas: updated,
        updatedReplicas: updated,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      };
    }
    const status: JsonObject = {
      observedGeneration: gen,
      replicas: Math.max(desired, ready),
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions,
    };
    if (desired - ready > 0) status.unavailableReplicas = desired - ready;
    if (ready === 0) delete status.readyReplicas;
    if (ready === 0) delete status.availableReplicas;
    return status;
  }

  private syncPods(def: ResourceDef, t: Target): void {
    const owner = this.api.store.get(resourceKey(def), t.namespace, t.name ?? "");
    if (!owner) return;
    const uid = owner.metadata?.uid ?? "";
    const podDef = this.api.registry.byKey("/pods");
    if (!podDef) return;
    const pods = this.api.store
      .list("/pods", t.namespace)
      .filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid));
    const desired = this.desired(def, owner);
    const hash = templateHash(owner);
    for (let i = pods.length; i < desired; i++) {
      const name =
        def.kind === "StatefulSet"
          ? `${t.name}-${i}`
          : def.kind === "Deployment"
            ? `${t.name}-${hash}-${generatedSuffix()}`
            : `${t.name}-${generatedSuffix()}`;
      const created = this.api.create(
        { def: podDef, version: "v1", namespace: t.namespace },
        {
          metadata: {
            name,
            labels: getStringMap(owner, ["spec", "template", "metadata", "labels"]),
            ownerReferences: [
              {
                apiVersion: "apps/v1",
                kind: def.kind,
                name: t.name ?? "",
                uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: getIn(owner, ["spec", "template", "spec"]) ?? { containers: [] },
        },
      );
      this.api.update(
        {
          def: podDef,
          version: "v1",
          namespace: t.namespace,
          name: created.metadata?.name ?? name,
          subresource: "status",
        },
        {
          ...created,
          status: {
            phase: "Running",
            conditions: [{ type: "Ready", status: "True" }],
            startTime: rfc3339(this.api.options.clock.now()),
          },
        },
      );
    }
    const excess = pods.slice(desired);
    for (const p of excess) this.api.removeObject(podDef, p);
  }
}

function templateHash(obj: KubeObject): string {
  return createHash("sha256")
    .update(JSON.stringify(getIn(obj, ["spec", "template"]) ?? null))
    .digest("hex")
    .slice(0, 10)
    .replace(/[aeiou]/g, "x");
}
