// Kubernetes API test host: a kube-apiserver look-alike on 127.0.0.1 with simulated controllers
// (workloads, CronJobs, load balancers, Velero), driven by the real @kubernetes/client-node in tests.

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
export { type FaultFilter, type FaultSettings, Faults, type RequestInfo } from "./faults.js";
export type { ObjectAccess } from "./fixtures.js";
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
