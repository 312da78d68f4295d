import type { DnsSnapshot } from "../ports.js";
import { DATA } from "./dataKeys.js";
import type { StepDefinition } from "./stepDefinition.js";

/** After decommission, puts the records' TTL back to what it was before the migration. */
export const restoreTtl: StepDefinition = {
  kind: "restore-ttl",
  async run(ctx) {
    const original = await ctx.data.get<DnsSnapshot>(DATA.dnsOriginal);
    if (!original) return { type: "done", summary: "TTL was not changed" };
    await ctx.ports.traffic.setTtl(ctx, original.ttlSeconds);
    return { type: "done", summary: `TTL back to ${original.ttlSeconds}s` };
  },
  async verify(ctx) {
    const original = await ctx.data.get<DnsSnapshot>(DATA.dnsOriginal);
    return original ? ctx.ports.traffic.verifyTtl(ctx, original.ttlSeconds) : { ok: true };
  },
};
