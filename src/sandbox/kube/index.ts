// Kubernetes API test host: a kube-apiserver look-alike on 127.0.0.1 with simulated controllers
// (workloads, CronJobs, load balancers, Velero), driven by the real @kubernetes/client-node in tests.

export type { DeleteOptions, Target } from "./api.js";
export { KubeApi } from "./api.js";
export type { AccessRequest, DenyRule } from "./authz.js";
export { type Clock, ManualClock, realClock, ScaledClock } from "./clock.js";
export type { CronJobControllerOptions, CronJobEvent } from "./controllers/cronjobs.js";
export type { LoadBalancerOptions } from "./controllers/loadbalancers.js";
export type { WorkloadOptions } from "./controllers/workloads.js";
export type { VersionInfo } from "./discovery.js";
export { KubeError, type StatusBody, type StatusCause, type StatusReason } from "./errors.js";
export { type FaultFilter, type FaultSettings, Faults, type RequestInfo } from "./faults.js";
export type { ObjectAccess } from "./fixtures.js";
export { type KubeHost, type KubeHostOptions, kubeconfigFor, startKubeHost } from "./host.js";
export type { RequestStats } from "./server.js";
export type { JsonObject, JsonValue, KubeObject, ObjectMeta, OwnerReference } from "./types.js";
