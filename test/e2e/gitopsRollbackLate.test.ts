// Rollback with self-healing Argo CD and Flux controllers on both clusters, after the handoff: target
// resumed (traffic shifting), the guard's window (decommission gate), mid-decommission (the source's
// controllers paused for it as well). The earlier points are in gitopsRollback.test.ts.

import { afterEach, describe, it } from "vitest";
import { runGitOpsRollback, stopGitOps } from "./gitopsRollbackCase.js";

afterEach(stopGitOps);

describe("GitOps on both clusters, rollback after the handoff", () => {
  for (const name of [
    "during shift-traffic (CNAME swapped, waiting for INSYNC)",
    "at the decommission gate (CNAME swap)",
    "during decommission (some source workloads already at 0)",
  ]) {
    it(`${name}: the source's exact sync settings back, the target paused and running nothing forbidden`, async () => {
      await runGitOpsRollback(name);
    }, 240_000);
  }
});
