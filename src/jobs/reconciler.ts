import type { Effect } from "../migration/transitions/result.js";
import type { Migration } from "../migration/types.js";
import type { EngineRuntime } from "./runtime.js";

/**
 * The job a migration needs next, from its record alone. Enqueued on start-up and periodically, so a
 * crash between committing a transition and enqueueing its job loses nothing (job ids deduplicate).
 */
export function pendingEffect(m: Migration, now: number): Effect | undefined {
  switch (m.status) {
    case "running": {
      const st = m.steps[m.cursor]?.status;
      if (!st) return undefined;
      if (st.state === "pending") return { type: "run-step", stepIndex: m.cursor, run: 1, delayMs: 0 };
      if (st.state === "running") return { type: "run-step", stepIndex: m.cursor, run: st.run, delayMs: 0 };
      if (st.state === "waiting")
        return {
          type: "run-step",
          stepIndex: m.cursor,
          run: st.run + 1,
          delayMs: Math.max(0, st.until - now),
        };
      return undefined;
    }
    case "rolling-back":
      return m.rollback && m.rollback.cursor >= 0
        ? { type: "compensate-step", stepIndex: m.rollback.cursor, run: m.rollback.attempt }
        : undefined;
    case "awaiting-approval":
    case "halted":
    case "rollback-failed":
    case "completed":
    case "rolled-back":
    case "blocked":
    case "aborted":
      return undefined;
  }
}

export async function reconcile(rt: EngineRuntime): Promise<number> {
  let enqueued = 0;
  for (const id of await rt.store.activeIds()) {
    const m = await rt.store.get(id);
    if (!m) continue;
    const effect = pendingEffect(m, rt.now());
    if (effect) {
      await rt.queue.enqueue(id, [effect]);
      enqueued++;
    }
  }
  return enqueued;
}
