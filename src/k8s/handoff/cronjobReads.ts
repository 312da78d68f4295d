// The handoff's batched reads of CronJobs beyond the lists themselves: trusting a label-selected list
// only for what it shows, and the one list that reads every start back.

import type { ForbiddenSnapshot } from "../../migration/ports.js";
import { type HandoffDeps, HandoffError, key } from "./common.js";
import { type CronObject, cronLabel, listCronJobs, readCron, viewOf } from "./cronjobs.js";

type Entry = ForbiddenSnapshot["cronJobs"][number];

/**
 * The object as a label-selected list shows it, or, when the list does not (its forbidden label was
 * removed since the snapshot, or it is gone), as a get by name says: never "gone" on a list's word alone,
 * which could start a twin beside a source that still runs.
 */
export async function listedOrRead(
  listed: ReadonlyMap<string, CronObject>,
  client: HandoffDeps["source"],
  e: Entry,
): Promise<CronObject | undefined> {
  return listed.get(key(e.namespace, e.name)) ?? readCron(client, e.namespace, e.name);
}

/** One list of the target: every CronJob started (now or by an earlier attempt) reads back unsuspended. */
export async function readBack(deps: HandoffDeps, started: ReadonlyArray<{ e: Entry }>) {
  if (started.length === 0) return;
  const now = await listCronJobs(deps.target, deps.forbiddenSelector, deps.excludedNamespaces);
  const wrong: Entry[] = [];
  for (const { e } of started) {
    const cj = await listedOrRead(now, deps.target, e);
    if (cj === undefined || viewOf(cj).suspend) wrong.push(e);
  }
  if (wrong.length > 0) {
    throw new HandoffError(
      `${wrong.length} CronJob(s) read back on ${deps.target.name} missing or still suspended: ` +
        wrong.slice(0, 20).map(cronLabel).join(", "),
      wrong.map(cronLabel),
    );
  }
}
