import type { DnsRead } from "../ports.js";
import type { Finding } from "../types.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/** Finds the hazards before anything changes; any blocking finding stops the migration. */
export const preflight: StepDefinition = {
  kind: "preflight",
  async run(ctx) {
    // The start command's DNS read, seconds old: the provider uses it instead of reading again if recent.
    const startRead = await ctx.data.get<DnsRead>(DATA.dnsStartRead);
    const [cluster, dns] = await Promise.all([
      ctx.ports.clusters.preflight(ctx),
      ctx.ports.traffic.preflight(ctx, ctx.target.ingress.hostname, startRead),
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
