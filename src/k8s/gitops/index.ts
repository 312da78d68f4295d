// GitOps awareness for the ClusterPort: the snapshot of what would fight the migration, pausing and
// resuming it, and the guard. kubernetesClusters.ts delegates its GitOps methods here.

import type {
  EnvContext,
  GitOpsFight,
  GitOpsPause,
  GitOpsSnapshot,
  GitOpsState,
  GuardStop,
} from "../../migration/ports.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { parseLabel } from "../labels.js";
import { assessGitOps, pausesFor } from "./assess.js";
import { guardForbidden } from "./guard.js";
import { applyGitOps, readStates } from "./pause.js";
import { readSide } from "./read.js";

export { type Assessment, assessGitOps, pausesFor, type SideView } from "./assess.js";
export { readSide } from "./read.js";

type Clients = { source: ClusterClient; target: ClusterClient };

export async function readBothSides(clients: Clients, ctx: EnvContext) {
  const forbidden = parseLabel(ctx.env.duplicationForbiddenLabel);
  const excludedNamespaces = ctx.env.excludedNamespaces;
  return Promise.all([
    readSide(clients.source, { side: "source", forbidden, excludedNamespaces }),
    readSide(clients.target, { side: "target", forbidden, excludedNamespaces }),
  ]);
}

export async function snapshotGitOps(
  clients: Clients,
  ctx: EnvContext,
  fight: GitOpsFight,
  now: number,
): Promise<GitOpsSnapshot> {
  const views = await readBothSides(clients, ctx);
  return { takenAt: now, pauses: pausesFor(assessGitOps(views), fight) };
}

export function pauseGitOps(clients: Clients, pauses: readonly GitOpsPause[]): Promise<string[]> {
  return applyGitOps(clients, pauses, "pause");
}

export function resumeGitOps(clients: Clients, pauses: readonly GitOpsPause[]): Promise<string[]> {
  return applyGitOps(clients, pauses, "resume");
}

export function readGitOps(clients: Clients, pauses: readonly GitOpsPause[]): Promise<GitOpsState[]> {
  return readStates(clients, pauses);
}

export function guardSource(source: ClusterClient, ctx: EnvContext, now: () => number): Promise<GuardStop[]> {
  return guardForbidden(
    source,
    parseLabel(ctx.env.duplicationForbiddenLabel),
    ctx.env.excludedNamespaces,
    now,
  );
}
