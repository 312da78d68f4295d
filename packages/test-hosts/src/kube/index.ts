// Kubernetes API test host: a kube-apiserver look-alike on 127.0.0.1 with simulated controllers
// (workloads, Jobs/CronJobs, load balancers, Velero), driven by the real @kubernetes/client-node.
//
//   const store = createVeleroStore();
//   const clock = new ManualClock(Date.parse("2026-01-01T10:00:00Z"));      // or ScaledClock(60), or none
//   const old = await startKubeHost({ name: "production-20251101", clock, velero: { store } });
//   const neu = await startKubeHost({ name: "production-20261125", clock, velero: { store, syncDelayMs: 200 } });
//   buildEstate(old.objects, { cronJobs: 200 });
//   const kc = new KubeConfig(); kc.loadFromString(kubeconfigFor([old, neu]));   // contexts = host names
//   old.faults.throttle(3, 2); old.faults.set({ latencyMs: 5, errorRate: 0.01, seed: 1 }); await old.faults.down();
//   old.cronJobEvents  // every Job start: { host, namespace, cronJob, scheduledTime, actualTime }
//   await Promise.all([old.close(), neu.close()]);

export {
  type ActivityChange,
  type ActivityKind,
  ActivityLog,
  activeOnBoth,
  type ObservedGap,
  observedGap,
} from "./activity.js";
export type { DeleteOptions, Target } from "./api.js";
export { KubeApi } from "./api.js";
export type { AccessRequest, DenyRule } from "./authz.js";
export { type Clock, ManualClock, realClock, ScaledClock } from "./clock.js";
export type { CronJobController, CronJobControllerOptions, CronJobEvent } from "./controllers/cronjobs.js";
export { DURATION_ANNOTATION, OUTCOME_ANNOTATION } from "./controllers/jobs.js";
export { type LoadBalancerOptions, loadBalancerHostname } from "./controllers/loadbalancers.js";
export type { WorkloadController, WorkloadOptions } from "./controllers/workloads.js";
export type { VersionInfo } from "./discovery.js";
export { KubeError, type StatusBody, type StatusCause, type StatusReason } from "./errors.js";
export { buildEstate, type EstateHazards, type EstateOptions, type EstateSummary } from "./estate.js";
export { statefulSetWithVolume } from "./estate-objects.js";
export { type FaultFilter, type FaultSettings, Faults, type RequestInfo } from "./faults.js";
export type { ObjectAccess } from "./fixtures.js";
export * from "./gitops/index.js";
export { type KubeHost, type KubeHostOptions, kubeconfigFor, startKubeHost } from "./host.js";
export type { RequestStats } from "./server.js";
export type { JsonObject, JsonValue, KubeObject, ObjectMeta, OwnerReference } from "./types.js";
export type { VeleroHost, VeleroHostOptions } from "./velero/host.js";
export {
  BACKUP_RUNNING_PHASES,
  BACKUP_TERMINAL_PHASES,
  type BackupOutcome,
  type BackupPhase,
  type ItemRef,
  RESTORE_RUNNING_PHASES,
  RESTORE_TERMINAL_PHASES,
  type RestoreOutcome,
  type RestorePhase,
  type VeleroInjection,
} from "./velero/phases.js";
export type { RestoreResult } from "./velero/restore.js";
export { type BackedUpItem, createVeleroStore, type StoredBackup, VeleroStore } from "./velero/store.js";
