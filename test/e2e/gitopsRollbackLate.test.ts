// Rollback with self-healing Argo CD and Flux controllers on both clusters, after the handoff: target
// resumed (traffic shifting), the guard's window (decommission gate), mid-decommission (the source's
// controllers paused for it as well). The earlier points are in gitopsRollback.test.ts.

import { describeGitOpsRollbacks } from "./gitopsRollbackCase.js";

describeGitOpsRollbacks("GitOps on both clusters, rollback after the handoff", [
  "during shift-traffic (CNAME swapped, waiting for INSYNC)",
  "at the decommission gate (CNAME swap)",
  "during decommission (some source workloads already at 0)",
]);
