import { drainSafeAt } from "../drain.js";
import type { DnsChangeReport, DnsSnapshot, TrafficSplit } from "../ports.js";
import { DATA } from "./dataKeys.js";
import { sourceHostname, targetHostname } from "./hostnames.js";
import { runChecks } from "./httpChecks.js";
import { ensureReadyForTraffic } from "./readyForTraffic.js";
import type { StepContext, StepDefinition } from "./stepDefinition.js";

export function weightSteps(ctx: StepContext): number[] {
  const s = ctx.env.dns.strategy;
  return s.type === "cnameSwap" ? [100] : s.steps;
}

async function split(ctx: StepContext, weight: number): Promise<TrafficSplit> {
  return { sourceHostname: await sourceHostname(ctx), targetHostname: await targetHostname(ctx), weight };
}

/**
 * Moves traffic by DNS: one CNAME swap, or weights in steps with a soak and health checks between them.
 * Each call does at most one change, then returns `wait` for the soak; the engine re-enters it as a
 * delayed job, and the index of the next weight is stored, so a crash repeats at most one idempotent change.
 */
export const shiftTraffic: StepDefinition = {
  kind: "shift-traffic",
  async run(ctx) {
    // Re-checked here, at run time, not only when cutover was approved.
    await ensureReadyForTraffic(ctx, "forward");
    const safeAt = await ctx.data.get<number>(DATA.cutoverSafeAt);
    if (safeAt !== undefined && ctx.now() < safeAt) {
      return { type: "wait", until: safeAt, reason: "waiting for resolvers to drop the old TTL" };
    }
    const before = await ctx.data.once<DnsSnapshot>(DATA.dnsPreShift, () => ctx.ports.traffic.snapshot(ctx));
    const weights = weightSteps(ctx);
    const index = (await ctx.data.get<number>(DATA.shiftIndex)) ?? 0;
    if (index > 0 && index < weights.length) {
      await runChecks(
        ctx,
        ctx.env.checks.verify,
        { ingress: await targetHostname(ctx) },
        `health checks at ${weights[index - 1]}% on the new cluster`,
      );
      const s = ctx.env.dns.strategy;
      const approved = ctx.migration.approvals.filter((a) => a.stepId === "shift-traffic").length;
      if (s.type === "weighted" && s.approveEachStep && approved < index) {
        return {
          type: "approval",
          reason: `healthy at new ${weights[index - 1]}%; approve to go to ${weights[index]}%`,
        };
      }
    }
    if (index < weights.length) {
      const weight = weights[index]!;
      const report = await ctx.ports.traffic.setWeight(ctx, before, await split(ctx, weight));
      const changes =
        (await ctx.data.get<Array<DnsChangeReport & { weight: number }>>(DATA.dnsChanges)) ?? [];
      await ctx.data.set(DATA.dnsChanges, [...changes, { ...report, weight }]);
      await ctx.data.set(DATA.shiftIndex, index + 1);
      ctx.progress(weight, 100, "%", `new ${weight}% · old ${100 - weight}%`);
      const s = ctx.env.dns.strategy;
      if (index + 1 < weights.length && s.type === "weighted") {
        return {
          type: "wait",
          until: ctx.now() + s.soakMinutes * 60_000,
          reason: `soaking at new ${weight}% · old ${100 - weight}% for ${s.soakMinutes} min`,
        };
      }
      await ctx.data.set(DATA.drainSafeAt, drainSafeAt(report, ctx.env.dns.drainMarginSeconds));
    }
    const drain = (await ctx.data.get<number>(DATA.drainSafeAt)) ?? ctx.now();
    return {
      type: "done",
      summary: `new 100% · old 0%; ${ctx.source.name} must keep serving until ${new Date(drain).toISOString()} (TTL + margin)`,
    };
  },
  /** The weight the last change set is the weight the records carry now. */
  async verify(ctx) {
    const index = (await ctx.data.get<number>(DATA.shiftIndex)) ?? 0;
    const weight = weightSteps(ctx)[index - 1];
    if (weight === undefined) return { ok: true }; // no change yet (waiting for the old TTL to pass)
    return ctx.ports.traffic.verifyWeight(ctx, await split(ctx, weight));
  },
  async compensate(ctx) {
    const before = await ctx.data.get<DnsSnapshot>(DATA.dnsPreShift);
    if (!before) return;
    await ensureReadyForTraffic(ctx, "back");
    await ctx.ports.traffic.restore(ctx, before);
  },
};
