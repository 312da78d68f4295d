// Public surface of the Kubernetes layer.

export { type ClusterClient, ClusterRegistry, loadKubeconfig, mergeKubeconfigs } from "./clusterRegistry.js";
export {
  createKubernetesClusters,
  type KubernetesClusters,
  type KubernetesClustersOptions,
} from "./kubernetesClusters.js";
export {
  defaultLimits,
  defaultRetry,
  type RequestLimits,
  RequestPolicy,
  type RetryOptions,
} from "./requestPolicy.js";
export { AbortError, type Clock, type Logger, type PollIntervals } from "./runtime.js";
