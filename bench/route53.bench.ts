// Route 53 requests per effective DNS change over one whole migration (the tiny estate: Route 53's share
// does not depend on the estate), driven through Slack against the sandbox world, whose Route 53 host
// throttles like Route 53 (token buckets at the documented values). GetChange polls are counted apart:
// their number is set by how long Route 53 takes to reach INSYNC, not by hikkoshi. The bare floor is one
// ChangeResourceRecordSets per effective change; with every safety property kept it is that plus the
// change's exact read-back, one read before the first change (preflight's, which the start command makes),
// and one zone lookup per process when dns.hostedZone is a name: 2 + (1 + lookups) / changes.

import type { EstateSize } from "@hikkoshi/sandbox/demoEstate";
import { round } from "./common.js";
import { route53FloorMs } from "./floors.js";
import { runMigration, stepWindows } from "./migration.bench.js";

/** 1 namespace × 2 Deployments, 6 CronJobs, 2 forbidden (as the migration bench's tiny estate). */
const TINY: EstateSize = {
  namespaces: ["web"],
  deploymentsPerNamespace: 2,
  cronJobsPerNamespace: 6,
  forbiddenEvery: 3,
};

export function route53Figures(run: Awaited<ReturnType<typeof runMigration>>) {
  const reqs = run.route53;
  const byOp: Record<string, number> = {};
  for (const r of reqs) byOp[r.op] = (byOp[r.op] ?? 0) + 1;
  const polls = byOp.GetChange ?? 0;
  const others = reqs.length - polls;
  const lookups = (byOp.ListHostedZonesByName ?? 0) + (byOp.GetHostedZone ?? 0);
  const changes = run.route53Counters.changesEffective;
  const windows = stepWindows(run.migration, run.commandAt, run.settledAt);
  const steps = windows
    .map((w) => {
      const inside = reqs.filter((r) => r.at > w.from && r.at <= w.to);
      const ops: Record<string, number> = {};
      for (const r of inside) ops[r.op] = (ops[r.op] ?? 0) + 1;
      return {
        id: w.id,
        requests: inside.length,
        byOp: ops,
        pacingFloorMs: round(route53FloorMs(inside.length)),
      };
    })
    .filter((s) => s.requests > 0);
  return {
    requests: reqs.length,
    byOp,
    getChangePolls: polls,
    requestsExceptPolls: others,
    changesEffective: changes,
    changesAccepted: run.route53Counters.changesAccepted,
    throttled: run.route53Throttled,
    /** Goal ≤ 2: non-poll requests per effective change. */
    requestsPerChange: changes > 0 ? round(others / changes) : null,
    /** The least a change can cost: the ChangeResourceRecordSets itself. */
    floorPerChange: 1,
    ratioToFloor: changes > 0 ? round(others / changes) : null,
    /** Zone lookups (by name, once per process; none when dns.hostedZone is an id). */
    zoneLookups: lookups,
    /** The least with the safety properties kept: change + read-back each, one read before the first, lookups. */
    safeFloorPerChange: changes > 0 ? round((2 * changes + 1 + lookups) / changes) : null,
    steps,
  };
}

export async function runRoute53Bench(): Promise<Record<string, unknown>> {
  const run = await runMigration(TINY, false);
  return route53Figures(run);
}
