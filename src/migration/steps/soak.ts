import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Keeps the old cluster around for the soak period, and at least until old DNS answers have expired. */
export const soak: StepDefinition = {
  kind: "soak",
  async run(ctx) {
    const until = await ctx.data.once<number>("soak.until", async () => {
      const drain = (await ctx.data.get<number>(DATA.drainSafeAt)) ?? 0;
      return Math.max(ctx.now() + ctx.env.decommissionSoakMinutes * 60_000, drain);
    });
    if (ctx.now() < until) {
      return {
        type: "wait",
        until,
        reason: `soaking until ${new Date(until).toISOString()} before decommission may be approved`,
      };
    }
    return { type: "done", summary: `soaked ${ctx.env.decommissionSoakMinutes} min` };
  },
};
