import type { Finding } from "../types.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Finds the hazards before anything changes; any blocking finding stops the migration. */
export const preflight: StepDefinition = {
  kind: "preflight",
  async run(ctx) {
    const [cluster, dns] = await Promise.all([
      ctx.ports.clusters.preflight(ctx),
      ctx.ports.traffic.preflight(ctx, ctx.target.ingress.hostname),
    ]);
    const findings: Finding[] = [...cluster, ...dns];
    const blocking = findings.filter((f) => f.severity === "blocking");
    if (blocking.length > 0) return { type: "blocked", findings };
    const warnings = findings.filter((f) => f.severity === "warning").length;
    return {
      type: "done",
      findings,
      summary: warnings > 0 ? `${warnings} warning(s) accepted` : "no hazards",
    };
  },
};
