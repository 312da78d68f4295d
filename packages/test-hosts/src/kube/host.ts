// startKubeHost: one simulated cluster (apiserver + controllers) on 127.0.0.1.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ActivityLog } from "./activity.js";
import { KubeApi } from "./api.js";
import type { DenyRule } from "./authz.js";
import { type Clock, realClock } from "./clock.js";
import type { Controller } from "./controllers/controller.js";
import {
  CronJobController,
  type CronJobControllerOptions,
  type CronJobEvent,
} from "./controllers/cronjobs.js";
import { LoadBalancerController, type LoadBalancerOptions } from "./controllers/loadbalancers.js";
import { WorkloadController, type WorkloadOptions } from "./controllers/workloads.js";
import type { VersionInfo } from "./discovery.js";
import { Faults } from "./faults.js";
import { createObjectAccess, type ObjectAccess } from "./fixtures.js";
import { type GitOpsController, type GitOpsControllerOptions, installGitOps } from "./gitops/index.js";
import { buildKubeconfig, type KubeconfigEntry } from "./kubeconfig.js";
import { ResourceRegistry } from "./registry.js";
import { DEFAULT_SERVED_VERSIONS } from "./resources.js";
import { ApiServer, createStats, type RequestStats } from "./server.js";
import { ObjectStore } from "./store.js";
import { installVelero, VeleroHost, type VeleroHostOptions } from "./velero/host.js";

export interface KubeHostOptions {
  /** Cluster name (also the default kubeconfig context), e.g. `production-20261125`. */
  name: string;
  /** Server version; default 1.32.3. */
  version?: VersionInfo;
  /** Group/versions to serve beyond (enable) or instead of (disable) a v1.32 default set. */
  apiVersions?: { enable?: string[]; disable?: string[] };
  /** Host clock for timestamps and CronJob schedules (share one between hosts). Default: wall clock. */
  clock?: Clock;
  /** Accept 6-field (seconds-first) CronJob schedules (a real apiserver refuses them). Default false. */
  cronSecondsField?: boolean;
  /** User name in kubeconfig and in Forbidden messages. Default `hikkoshi`. */
  user?: string;
  authz?: { deny?: DenyRule[]; enforce?: boolean };
  port?: number;
  /** Simulated controllers; `false` turns one off. */
  workloads?: WorkloadOptions | false;
  cronJobs?: CronJobControllerOptions | false;
  loadBalancers?: LoadBalancerOptions | false;
  /** Velero installed on this host (CRDs, namespace, BSL, controllers) sharing `store`. */
  velero?: VeleroHostOptions;
  /** Argo CD and Flux CRDs plus a self-healing GitOps controller syncing from `repo`. */
  gitops?: GitOpsControllerOptions;
}

export interface KubeHost {
  readonly name: string;
  readonly url: string;
  readonly clock: Clock;
  /** Kubeconfig YAML with one context (default name: the host name). */
  kubeconfig(contextName?: string): string;
  kubeconfigEntry(contextName?: string): KubeconfigEntry;
  /** Writes the kubeconfig to `<dir>/<name>.kubeconfig` and returns the path. */
  writeKubeconfig(dir: string, contextName?: string): string;
  readonly objects: ObjectAccess;
  readonly faults: Faults;
  readonly stats: RequestStats;
  /** Every Job the CronJob controller started, in order. */
  readonly cronJobEvents: CronJobEvent[];
  /** Every moment a CronJob or Deployment became active or inactive here (suspend / replicas). */
  readonly activity: ActivityLog;
  readonly api: KubeApi;
  readonly store: ObjectStore;
  readonly authz: { deny: DenyRule[]; enforce: boolean };
  readonly workloads: WorkloadController | undefined;
  readonly cronJobs: CronJobController | undefined;
  readonly velero: VeleroHost | undefined;
  readonly gitops: GitOpsController | undefined;
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export async function startKubeHost(opts: KubeHostOptions): Promise<KubeHost> {
  const served = new Set(DEFAULT_SERVED_VERSIONS);
  for (const gv of opts.apiVersions?.enable ?? []) served.add(gv);
  for (const gv of opts.apiVersions?.disable ?? []) served.delete(gv);
  const clock = opts.clock ?? realClock;
  const store = new ObjectStore();
  const activity = new ActivityLog(store, clock);
  const registry = new ResourceRegistry(served);
  const authz = { deny: [...(opts.authz?.deny ?? [])], enforce: opts.authz?.enforce ?? false };
  const api = new KubeApi(store, registry, {
    clock,
    cronSeconds: opts.cronSecondsField ?? false,
    denyRules: authz.deny,
  });
  const objects = createObjectAccess(api);
  for (const ns of DEFAULT_NAMESPACES)
    objects.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });

  const faults = new Faults();
  const stats = createStats();
  const user = opts.user ?? "hikkoshi";
  const ctx = {
    api,
    version: opts.version ?? { major: "1", minor: "32", patch: 3 },
    address: "127.0.0.1:0",
    user,
    get enforceDenyRules() {
      return authz.enforce;
    },
    denyRules: authz.deny,
  };
  const server = new ApiServer(ctx, faults, stats);
  await server.listen(opts.port ?? 0);
  ctx.address = server.url.replace("http://", "");

  const controllers: Controller[] = [];
  const workloads = opts.workloads === false ? undefined : new WorkloadController(api, opts.workloads ?? {});
  const cronJobs =
    opts.cronJobs === false ? undefined : new CronJobController(api, opts.name, opts.cronJobs ?? {});
  const lbs =
    opts.loadBalancers === false ? undefined : new LoadBalancerController(api, opts.loadBalancers ?? {});
  let velero: VeleroHost | undefined;
  if (opts.velero) {
    installVelero(objects, opts.velero, clock.now());
    velero = new VeleroHost(api, opts.name, opts.velero);
  }
  for (const c of [workloads, cronJobs, lbs, velero]) if (c) controllers.push(c);
  for (const c of controllers) c.start();
  const gitops = opts.gitops ? installGitOps({ api, objects, name: opts.name }, opts.gitops) : undefined;
  if (gitops) controllers.push(gitops);

  const entry = (contextName?: string): KubeconfigEntry => ({
    context: contextName ?? opts.name,
    cluster: opts.name,
    server: server.url,
    user: `${user}@${opts.name}`,
    token: `sandbox-token-${opts.name}`,
  });

  return {
    name: opts.name,
    url: server.url,
    clock,
    kubeconfig: (contextName) => buildKubeconfig([entry(contextName)]),
    kubeconfigEntry: entry,
    writeKubeconfig(dir, contextName) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${opts.name}.kubeconfig`);
      writeFileSync(path, buildKubeconfig([entry(contextName)]));
      return path;
    },
    objects,
    faults,
    stats,
    cronJobEvents: cronJobs?.events ?? [],
    activity,
    api,
    store,
    authz,
    workloads,
    cronJobs,
    velero,
    gitops,
    async close() {
      for (const c of controllers) c.stop();
      await server.close();
    },
  };
}

/** One kubeconfig holding a context per host (context = host name unless given), like a real KUBECONFIG. */
export function kubeconfigFor(
  hosts: Array<KubeHost | { host: KubeHost; context: string }>,
  current?: string,
): string {
  const entries = hosts.map((h) => ("host" in h ? h.host.kubeconfigEntry(h.context) : h.kubeconfigEntry()));
  return buildKubeconfig(entries, current);
}
