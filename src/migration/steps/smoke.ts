import { DATA } from "./dataKeys.js";
import { targetHostname } from "./hostnames.js";
import { describeChecks, runChecks } from "./httpChecks.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Configured HTTP checks against the target's ingress, before any traffic goes there. */
export const smoke: StepDefinition = {
  kind: "smoke",
  async run(ctx) {
    const ingress = await targetHostname(ctx);
    const results = await runChecks(ctx, ctx.env.checks.smoke, { ingress }, "smoke checks on the target");
    await ctx.data.set(DATA.smoke, results);
    return { type: "done", summary: describeChecks(results) };
  },
};
