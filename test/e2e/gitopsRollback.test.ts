// Rollback with self-healing Argo CD and Flux controllers on both clusters, up to the cutover: before
// anything was paused (lower-ttl), target paused (cutover gate), mid-handoff, and a doubled press with a
// restart, API 500s and Route 53 throttling while compensating. The later points are in
// gitopsRollbackLate.test.ts (the two files run in parallel).

import { describeGitOpsRollbacks } from "./gitopsRollbackCase.js";

describeGitOpsRollbacks("GitOps on both clusters, rollback up to the cutover", [
  "during lower-ttl (TTL change written, waiting for INSYNC)",
  "at the cutover gate",
  "during handoff (source suspended, target resuming slowly)",
  "at the decommission gate, pressed twice at once; restart, API 500s and Route 53 throttling while compensating",
]);
