import { PermanentError } from "../errors.js";
import type { DnsChangeReport, DnsSnapshot } from "../ports.js";
import { DATA } from "./dataKeys.js";
import { sourceHostname, targetHostname } from "./hostnames.js";
import { runChecks } from "./httpChecks.js";
import type { StepContext, StepDefinition } from "./stepDefinition.js";

export function weightSteps(ctx: StepContext): number[] {
  const s = ctx.env.dns.strategy;
  return s.type === "cnameSwap" ? [100] : s.steps;
}

/**
 * Moves traffic by DNS: one CNAME swap, or weights in steps with a soak and health checks between them.
 * Each call does at most one change, then returns `wait` for the soak; the engine re-enters it as a
 * delayed job, and the index of the next weight is stored, so a crash repeats at most one idempotent change.
 */
export const shiftTraffic: StepDefinition = {
  kind: "shift-traffic",
  async run(ctx) {
    // Invariant: public DNS never points at a cluster whose workloads are not ready. Re-checked here,
    // at run time, not only when cutover was approved.
    const ready = await ctx.ports.clusters.waitReady(ctx, () => {}, ctx.signal);
    if (ready.notReady.length > 0) {
      throw new PermanentError(
        `refusing to send traffic to ${ctx.target.name}: ${ready.notReady.length} workload(s) not ready (${ready.notReady.slice(0, 5).join("; ")})`,
        "roll back, or fix the target and retry",
      );
    }
    const safeAt = await ctx.data.get<number>(DATA.cutoverSafeAt);
    if (safeAt !== undefined && ctx.now() < safeAt) {
      return { type: "wait", until: safeAt, reason: "waiting for resolvers to drop the old TTL" };
    }
    const src = await sourceHostname(ctx);
    const tgt = await targetHostname(ctx);
    const before = await ctx.data.once<DnsSnapshot>(DATA.dnsPreShift, () => ctx.ports.traffic.snapshot(ctx));
    const weights = weightSteps(ctx);
    const index = (await ctx.data.get<number>(DATA.shiftIndex)) ?? 0;
    if (index > 0 && index < weights.length) {
      await runChecks(
        ctx,
        ctx.env.checks.verify,
        { ingress: tgt },
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
      const report = await ctx.ports.traffic.shift(ctx, before, src, tgt, weight);
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
      const drainSafeAt = report.insyncAt + (report.maxTtlSeconds + ctx.env.dns.drainMarginSeconds) * 1000;
      await ctx.data.set(DATA.drainSafeAt, drainSafeAt);
    }
    const drain = (await ctx.data.get<number>(DATA.drainSafeAt)) ?? ctx.now();
    return {
      type: "done",
      summary: `new 100% · old 0%; ${ctx.source.name} must keep serving until ${new Date(drain).toISOString()} (TTL + margin)`,
    };
  },
  async compensate(ctx) {
    const before = await ctx.data.get<DnsSnapshot>(DATA.dnsPreShift);
    if (!before) return;
    // Same invariant backwards: traffic goes back to the source only once its workloads are ready
    // (after a partial decommission they are scaling up again).
    const sourceSide = { ...ctx, source: ctx.target, target: ctx.source };
    const ready = await ctx.ports.clusters.waitReady(sourceSide, () => {}, ctx.signal);
    if (ready.notReady.length > 0) {
      throw new PermanentError(
        `refusing to send traffic back to ${ctx.source.name}: ${ready.notReady.length} workload(s) not ready (${ready.notReady.slice(0, 5).join("; ")})`,
        `fix the workloads on ${ctx.source.name}, then press Rollback again; traffic stays on ${ctx.target.name} meanwhile`,
      );
    }
    await ctx.ports.traffic.restore(ctx, before);
  },
};
