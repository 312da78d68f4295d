import { DATA } from "./dataKeys.js";
import { checksStep } from "./httpChecks.js";

/** Configured HTTP checks against the target's ingress, before any traffic goes there. */
export const smoke = checksStep(
  "smoke",
  (ctx) => ctx.env.checks.smoke,
  DATA.smoke,
  "smoke checks on the target",
);
