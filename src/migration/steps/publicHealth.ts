import { DATA } from "./dataKeys.js";
import { checksStep } from "./httpChecks.js";

/** Public health checks (config `checks.verify`) after the traffic shift. */
export const publicHealth = checksStep(
  "public-health",
  (ctx) => ctx.env.checks.verify,
  DATA.publicHealth,
  "public health checks",
);
