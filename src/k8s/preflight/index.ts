// Preflight: probes both clusters and changes nothing. Unreachable clusters end it early (every other probe
// would fail the same way); a probe that errors becomes a warning naming it, never a silent pass.

import type { EnvContext } from "../../migration/ports.js";
import type { Finding } from "../../migration/types.js";
import type { ClusterClient } from "../clusterRegistry.js";
import { parseLabel } from "../labels.js";
import { isForbidden } from "../requestPolicy.js";
import { errorMessage } from "../runtime.js";
import { probeAccess, reachability } from "./access.js";
import { probeClusterNames } from "./clusterNames.js";
import { probeCrds } from "./crds.js";
import { probeExternalDns } from "./externalDns.js";
import { probeForbiddenKinds } from "./forbiddenKinds.js";
import { probeGitOps } from "./gitops.js";
import { probeJobs } from "./jobs.js";
import { probeNodePorts } from "./nodePorts.js";
import { createProbeContext, type Probe } from "./probe.js";
import { probeRemovedApis } from "./removedApis.js";
import { probeStateful } from "./stateful.js";
import { probeTimeZones } from "./timeZones.js";
import { probeUnlabelledCronJobs } from "./unlabelledCronJobs.js";
import { probeVelero } from "./velero.js";
import { probeVersions } from "./versions.js";

export const PROBES: ReadonlyArray<{ name: string; run: Probe }> = [
  { name: "permissions", run: probeAccess },
  { name: "versions", run: probeVersions },
  { name: "removed APIs", run: probeRemovedApis },
  { name: "unlabelled CronJobs", run: probeUnlabelledCronJobs },
  { name: "stateful workloads", run: probeStateful },
  { name: "forbidden kinds", run: probeForbiddenKinds },
  { name: "cluster names", run: probeClusterNames },
  { name: "external-dns", run: probeExternalDns },
  { name: "Jobs", run: probeJobs },
  { name: "time zones", run: probeTimeZones },
  { name: "nodePorts", run: probeNodePorts },
  { name: "CRDs", run: probeCrds },
  { name: "Velero", run: probeVelero },
  { name: "GitOps", run: probeGitOps },
];

const order = { blocking: 0, warning: 1, info: 2 } as const;

export async function runPreflight(
  ctx: EnvContext,
  source: ClusterClient,
  target: ClusterClient,
): Promise<Finding[]> {
  const unreachable = (await Promise.all([reachability(source), reachability(target)])).filter(
    (f): f is Finding => f !== undefined,
  );
  if (unreachable.length > 0) return unreachable;
  const p = createProbeContext(ctx, source, target, parseLabel(ctx.env.duplicationForbiddenLabel));
  const results = await Promise.all(
    PROBES.map(async (probe): Promise<Finding[]> => {
      try {
        return await probe.run(p);
      } catch (err) {
        return [
          {
            code: "preflight-probe-failed",
            severity: isForbidden(err) ? "blocking" : "warning",
            message: `the ${probe.name} check could not run: ${errorMessage(err).split("\n")[0]}`,
            fix: isForbidden(err)
              ? "grant hikkoshi the permissions in deploy/rbac/clusterrole.yaml"
              : "re-run the plan; if it persists, check the clusters' API servers",
            subjects: [probe.name],
          },
        ];
      }
    }),
  );
  return results.flat().sort((a, b) => order[a.severity] - order[b.severity] || a.code.localeCompare(b.code));
}
