import { previousAnswersExpireAt } from "../drain.js";
import type { DnsSnapshot } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/**
 * Lowers the records' TTL well before cutover, so resolvers drop the old answer quickly when traffic
 * moves. Cutover becomes safe one old-TTL period after this change is in sync.
 */
export const lowerTtl: StepDefinition = {
  kind: "lower-ttl",
  async run(ctx) {
    const original = await ctx.data.once<DnsSnapshot>(DATA.dnsOriginal, () =>
      ctx.ports.traffic.snapshot(ctx),
    );
    const ttl = ctx.env.dns.lowerTtl.ttlSeconds;
    const oldTtl = original.ttlSeconds;
    if (oldTtl <= ttl) {
      await ctx.data.set(DATA.cutoverSafeAt, ctx.now());
      return { type: "done", summary: `TTL already ${oldTtl}s`, unchanged: true };
    }
    const report = await ctx.ports.traffic.setTtl(ctx, ttl);
    const safeAt = previousAnswersExpireAt(report.insyncAt, oldTtl);
    await ctx.data.once(DATA.cutoverSafeAt, async () => safeAt);
    return {
      type: "done",
      summary: `TTL ${oldTtl}s → ${ttl}s; cutover safe after ${new Date(safeAt).toISOString()}`,
    };
  },
  async verify(ctx) {
    const original = await ctx.data.get<DnsSnapshot>(DATA.dnsOriginal);
    const ttl = ctx.env.dns.lowerTtl.ttlSeconds;
    if (!original || original.ttlSeconds <= ttl) return { ok: true }; // run changed nothing
    return ctx.ports.traffic.verifyTtl(ctx, ttl);
  },
  async compensate(ctx) {
    const original = await ctx.data.get<DnsSnapshot>(DATA.dnsOriginal);
    if (original) await ctx.ports.traffic.restore(ctx, original);
  },
};
