// The ports hikkoshi gets in the sandbox: the real Kubernetes, Route 53 and HTTP-check adapters, polling
// faster than production defaults so a run takes seconds. Shared by the in-process app and worker processes.
import { createHttpChecks } from "../../../src/checks/httpChecks.js";
import { createRoute53Traffic } from "../../../src/dns/index.js";
import { createKubernetesClusters } from "../../../src/k8s/index.js";
import type { Ports } from "../../../src/migration/ports.js";

export function sandboxPorts(kubeconfigPath: string): Ports {
  return {
    clusters: createKubernetesClusters({
      kubeconfig: kubeconfigPath,
      poll: { veleroMs: 200, readinessMs: 200, drainMs: 200, settleMs: 200 },
    }),
    traffic: createRoute53Traffic({ poll: { pollMs: 100, maxPollMs: 500 } }),
    checks: createHttpChecks(),
  };
}
