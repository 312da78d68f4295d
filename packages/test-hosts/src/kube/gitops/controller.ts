// A small GitOps controller for one host: while an Argo CD Application has automated sync with
// self-heal (or a Flux Kustomization is not suspended, or a HelmRelease with drift correction is not),
// it puts the fields "Git" declares back on the resources it manages, within `periodMs` of a change,
// writing as the real controller's field manager (so managedFields name it). A test that forgets to
// pause one sees its CronJobs unsuspended again, as on a real cluster.

import type { KubeApi } from "../api.js";
import { TimerController } from "../controllers/controller.js";
import { type ResourceDef, resourceKey } from "../resources.js";
import type { ChangeEvent } from "../store.js";
import { getIn, type JsonObject, type JsonValue, jsonEqual, type KubeObject, setIn } from "../types.js";
import type { GitRepo } from "./repo.js";
import { FIELD_MANAGERS, type GitOpsKind, ownerOf, revertsDrift } from "./tracking.js";

export interface GitOpsControllerOptions {
  /** The repository every host syncs from (share one between hosts). */
  repo: GitRepo;
  /** Argo CD's control-plane namespace (where `<app>` tracking names resolve). Default `argocd`. */
  argoNamespace?: string;
  /** Real ms between drift scans (a change also triggers one). Default 100. */
  periodMs?: number;
}

export interface GitOpsRevert {
  host: string;
  controller: string;
  resource: string;
  field: string;
  from: JsonValue | undefined;
  to: JsonValue;
  /** Wall-clock ms. */
  at: number;
}

const MANAGED: ReadonlyArray<{ group: string; kind: string }> = [
  { group: "batch", kind: "CronJob" },
  { group: "apps", kind: "Deployment" },
  { group: "apps", kind: "StatefulSet" },
];

const CONTROLLER_GROUPS: Record<GitOpsKind, string> = {
  Application: "argoproj.io",
  Kustomization: "kustomize.toolkit.fluxcd.io",
  HelmRelease: "helm.toolkit.fluxcd.io",
};

export class GitOpsController extends TimerController {
  /** Every field this controller put back, in order. */
  readonly reverts: GitOpsRevert[] = [];
  /** Completed drift scans (a test waits for more of them to prove that nothing came back). */
  scans = 0;
  private readonly argoNamespace: string;
  private scanQueued = false;

  constructor(
    api: KubeApi,
    readonly hostName: string,
    readonly options: GitOpsControllerOptions,
  ) {
    super(api);
    this.argoNamespace = options.argoNamespace ?? "argocd";
  }

  protected override onStart(): void {
    this.every(this.options.periodMs ?? 100, () => this.scan());
  }

  protected override onChange(e: ChangeEvent): void {
    const watched = ["batch/cronjobs", "apps/deployments", "apps/statefulsets"];
    const controllers = Object.values(CONTROLLER_GROUPS).map((g) => `${g}/`);
    if (!watched.includes(e.resource) && !controllers.some((c) => e.resource.startsWith(c))) return;
    if (this.scanQueued) return;
    this.scanQueued = true;
    this.after(20, () => {
      this.scanQueued = false;
      this.scan();
    });
  }

  private controllerObject(kind: GitOpsKind, namespace: string, name: string): KubeObject | undefined {
    const def = this.api.registry.byGroupKind(CONTROLLER_GROUPS[kind], kind);
    return def ? this.api.store.get(resourceKey(def), namespace, name) : undefined;
  }

  /** One pass: every managed resource whose controller reverts drift gets its Git fields back. */
  scan(): void {
    for (const { group, kind } of MANAGED) {
      const def = this.api.registry.byGroupKind(group, kind);
      if (!def) continue;
      for (const obj of this.api.store.list(resourceKey(def))) this.reconcile(def, kind, obj);
    }
    this.scans += 1;
  }

  private reconcile(def: ResourceDef, kind: string, obj: KubeObject): void {
    const namespace = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    const desired = this.options.repo.desired(kind, namespace, name);
    if (!desired) return;
    const owner = ownerOf(obj, this.argoNamespace);
    if (!owner) return;
    const ctrl = this.controllerObject(owner.kind, owner.namespace, owner.name);
    if (!ctrl || !revertsDrift(owner.kind, ctrl)) return;
    const body: JsonObject = {};
    const changed: Array<{ field: string; from: JsonValue | undefined; to: JsonValue }> = [];
    for (const [path, value] of desired) {
      const keys = path.split(".");
      const live = getIn(obj, keys);
      if (jsonEqual(live, value)) continue;
      setIn(body, keys, value);
      changed.push({ field: path, from: live, to: value });
    }
    if (changed.length === 0) return;
    this.api.patch(
      { def, version: def.versions[0]!, namespace, name },
      "application/merge-patch+json",
      JSON.stringify(body),
      { fieldManager: FIELD_MANAGERS[owner.kind] },
    );
    const controller = `${owner.kind} ${owner.namespace}/${owner.name}`;
    for (const c of changed)
      this.reverts.push({
        host: this.hostName,
        controller,
        resource: `${kind} ${namespace}/${name}`,
        ...c,
        at: Date.now(),
      });
  }
}
