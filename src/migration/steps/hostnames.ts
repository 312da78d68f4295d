import { PermanentError } from "../errors.js";
import { DATA } from "./dataKeys.js";
import type { StepContext } from "./stepDefinition.js";

/** The target's load balancer: read after the restore (a restored Service gets a new one). */
export async function targetHostname(ctx: StepContext): Promise<string> {
  const restored = await ctx.data.get<string>(DATA.targetIngress);
  const host =
    restored ??
    ctx.target.ingress.hostname ??
    (await ctx.ports.clusters.ingressHostname(ctx.target, ctx.env));
  if (!host) {
    throw new PermanentError(
      `cannot tell the load-balancer hostname of ${ctx.target.name}`,
      `check that Service ${ctx.target.ingress.service} on ${ctx.target.name} has status.loadBalancer.ingress`,
    );
  }
  return host;
}

export async function sourceHostname(ctx: StepContext): Promise<string> {
  const host = ctx.source.ingress.hostname ?? (await ctx.ports.clusters.ingressHostname(ctx.source, ctx.env));
  if (!host) {
    throw new PermanentError(
      `cannot tell the load-balancer hostname of ${ctx.source.name}`,
      `set environments.${ctx.envName}.clusters[].ingress.hostname for ${ctx.source.name}`,
    );
  }
  return host;
}
