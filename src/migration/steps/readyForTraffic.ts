import { PermanentError } from "../errors.js";
import type { StepContext } from "./stepDefinition.js";

/**
 * The rule "public DNS never points at a cluster whose workloads are not ready", in one place. Checked
 * right before any change that sends traffic to a cluster: forward to the target, and back to the source
 * on rollback (after a partial decommission its workloads are scaling up again). Waits for readiness up
 * to the environment's timeout; if they are still not ready, refuses with what is not ready.
 */
export async function ensureReadyForTraffic(ctx: StepContext, direction: "forward" | "back"): Promise<void> {
  const receiving = direction === "forward" ? ctx.target : ctx.source;
  // waitReady looks at ctx.target: point it at the cluster that is to receive the traffic
  const probe = direction === "forward" ? ctx : { ...ctx, source: ctx.target, target: ctx.source };
  const ready = await ctx.ports.clusters.waitReady(probe, () => {}, ctx.signal);
  if (ready.notReady.length === 0) return;
  const what = `${ready.notReady.length} workload(s) not ready (${ready.notReady.slice(0, 5).join("; ")})`;
  if (direction === "forward") {
    throw new PermanentError(
      `refusing to send traffic to ${receiving.name}: ${what}`,
      "roll back, or fix the target and retry",
    );
  }
  throw new PermanentError(
    `refusing to send traffic back to ${receiving.name}: ${what}`,
    `fix the workloads on ${receiving.name}, then press Rollback again; traffic stays on ${ctx.target.name} meanwhile`,
  );
}
