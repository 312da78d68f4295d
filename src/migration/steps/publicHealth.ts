import { DATA } from "./dataKeys.js";
import { targetHostname } from "./hostnames.js";
import { describeChecks, runChecks } from "./httpChecks.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Public health checks (config `checks.verify`) after the traffic shift. */
export const publicHealth: StepDefinition = {
  kind: "public-health",
  async run(ctx) {
    const ingress = await targetHostname(ctx);
    const results = await runChecks(ctx, ctx.env.checks.verify, { ingress }, "public health checks");
    await ctx.data.set(DATA.publicHealth, results);
    return { type: "done", summary: describeChecks(results) };
  },
};
