// The source guard's rules: when it runs (from a completed handoff until the decommission is done, while
// the migration goes forward or waits), and how a stop is recorded: once per re-activation (resource and
// resourceVersion), however many workers saw it, as a warning in the thread and in the summary's count.

import type { GuardStop } from "../ports.js";
import type { Migration } from "../types.js";
import { GITOPS_DATA, guardStopKey } from "./gitopsData.js";
import type { StepData } from "./stepDefinition.js";

export function inGuardWindow(m: Migration): boolean {
  if (m.status !== "running" && m.status !== "awaiting-approval" && m.status !== "halted") return false;
  const state = (kind: string) => m.steps.find((s) => s.kind === kind)?.status.state;
  // A rollback re-activates the source on purpose; the guard stops with the forward run.
  return state("handoff") === "succeeded" && state("decommission") !== "succeeded";
}

export function guardWarning(stop: GuardStop, source: string): string {
  return `⚠️ guard: ${stop.resource} was active again on ${source} (changed by field manager "${stop.manager}"); stopped it at once. Pause what manages it, or it will keep coming back.`;
}

/** Records each stop once; returns those that were new (the caller posts their warnings). */
export async function recordGuardStops(data: StepData, stops: readonly GuardStop[]): Promise<GuardStop[]> {
  const fresh: GuardStop[] = [];
  for (const stop of stops) {
    const nonce = `${stop.at}-${Math.random().toString(36).slice(2)}`;
    const winner = await data.once(guardStopKey(stop), async () => nonce);
    if (winner !== nonce) continue;
    fresh.push(stop);
  }
  if (fresh.length > 0) {
    const all = (await data.get<GuardStop[]>(GITOPS_DATA.guardStops)) ?? [];
    await data.set(GITOPS_DATA.guardStops, [...all, ...fresh]);
  }
  return fresh;
}
