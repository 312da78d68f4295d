// The source guard, run by every worker process on a timer (like the reconciler). From the handoff until
// the decommission, duplication-forbidden resources must stay stopped on the source; a GitOps controller
// hikkoshi could not see, a person or a script may start one again at any time, including while the
// migration waits at the decommission gate, when no step job runs. So this is a periodic job beside the
// step queue rather than a step: it covers every state of the window, survives worker restarts (it is
// derived from the record alone), and costs one list per kind per migration per tick. Several workers
// may stop the same resource; the record of a stop is claimed once, so the thread warns once.

import { PermanentError } from "../migration/errors.js";
import { guardWarning, inGuardWindow, recordGuardStops } from "../migration/steps/sourceGuard.js";
import type { EngineRuntime } from "./runtime.js";
import { envContextOf, stepData } from "./stepContext.js";

/** One pass over the active migrations; returns how many resources it stopped (new or repeated). */
export async function guardTick(rt: EngineRuntime): Promise<number> {
  let stopped = 0;
  for (const id of await rt.store.activeIds()) {
    const m = await rt.store.get(id);
    if (!m || !inGuardWindow(m)) continue;
    let ctx: ReturnType<typeof envContextOf>;
    try {
      ctx = envContextOf(rt.config, m);
    } catch (err) {
      if (err instanceof PermanentError) continue; // the environment left the config: nothing to guard
      throw err;
    }
    const stops = await rt.ports.clusters.guardSource(ctx);
    stopped += stops.length;
    for (const stop of await recordGuardStops(stepData(rt.store, id), stops)) {
      rt.logger.warn(
        { migration: id, resource: stop.resource, manager: stop.manager },
        "guard stopped a re-activated resource",
      );
      await rt.store.audit(
        id,
        { actor: "system", action: "guard", outcome: "info", detail: guardWarning(stop, m.source) },
        rt.now(),
      );
    }
  }
  return stopped;
}

/** Starts the periodic guard; the returned function stops it. A failed tick is logged and retried next tick. */
export function startSourceGuard(rt: EngineRuntime, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow tick (API latency) never overlaps the next
    running = true;
    void guardTick(rt)
      .catch((err) => rt.logger.warn({ err: (err as Error).message }, "source guard tick failed"))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
