import { PermanentError } from "../errors.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

export const waitReady: StepDefinition = {
  kind: "wait-ready",
  async run(ctx) {
    const report = await ctx.ports.clusters.waitReady(ctx, ctx.progress, ctx.signal);
    await ctx.data.set(DATA.readiness, report);
    if (report.notReady.length > 0) {
      const shown = report.notReady.slice(0, 10).join("; ");
      const more = report.notReady.length > 10 ? ` and ${report.notReady.length - 10} more` : "";
      throw new PermanentError(
        `${report.notReady.length} of ${report.total} workloads on ${ctx.target.name} are not ready: ${shown}${more}`,
        "fix the workloads on the target (or raise readinessTimeoutMinutes), then roll back and start again",
      );
    }
    return { type: "done", summary: `${report.ready}/${report.total} workloads available` };
  },
};
