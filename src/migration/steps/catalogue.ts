import type { StepKind } from "../types.js";
import { backup } from "./backup.js";
import { decommission } from "./decommission.js";
import { handoff } from "./handoff.js";
import { lowerTtl } from "./lowerTtl.js";
import { pauseGitOps } from "./pauseGitOps.js";
import { pauseSourceGitOps } from "./pauseSourceGitOps.js";
import { preflight } from "./preflight.js";
import { publicHealth } from "./publicHealth.js";
import { restore } from "./restore.js";
import { restoreTtl } from "./restoreTtl.js";
import { resumeTargetGitOps } from "./resumeTargetGitOps.js";
import { shiftTraffic } from "./shiftTraffic.js";
import { smoke } from "./smoke.js";
import { soak } from "./soak.js";
import type { StepDefinition } from "./stepDefinition.js";
import { waitReady } from "./waitReady.js";

/** Gates have no definition: they wait for a human, which is a transition, not work. */
export type WorkKind = Exclude<StepKind, "gate-cutover" | "gate-decommission">;

export const STEP_CATALOGUE: Record<WorkKind, StepDefinition> = {
  preflight,
  "lower-ttl": lowerTtl,
  backup,
  "pause-gitops": pauseGitOps,
  restore,
  "wait-ready": waitReady,
  smoke,
  handoff,
  "resume-target-gitops": resumeTargetGitOps,
  "shift-traffic": shiftTraffic,
  "public-health": publicHealth,
  soak,
  "pause-source-gitops": pauseSourceGitOps,
  decommission,
  "restore-ttl": restoreTtl,
};
