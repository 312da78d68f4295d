import type { HttpCheck } from "../../config/schema.js";
import { PermanentError } from "../errors.js";
import type { CheckResult } from "../ports.js";
import type { StepKind } from "../types.js";
import { targetHostname } from "./hostnames.js";
import type { StepContext, StepDefinition } from "./stepDefinition.js";

/** Runs checks (each already retried by the port up to its `attempts`); any failure is permanent. */
export async function runChecks(
  ctx: StepContext,
  checks: HttpCheck[],
  vars: Record<string, string>,
  what: string,
): Promise<CheckResult[]> {
  if (checks.length === 0) return [];
  const results = await ctx.ports.checks.run(checks, vars, ctx.signal);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    const detail = failed.map((r) => `${r.name} ${r.url}: ${r.error ?? `HTTP ${r.status}`}`).join("; ");
    throw new PermanentError(
      `${what} failed: ${detail}`,
      "fix the service or the check, then roll back or start again",
    );
  }
  return results;
}

export function describeChecks(results: CheckResult[]): string {
  if (results.length === 0) return "no checks configured";
  const slowest = Math.max(...results.map((r) => r.ms));
  return `${results.length} check(s) passed (slowest ${Math.round(slowest)} ms)`;
}

/** A step that runs configured checks against the target's ingress and keeps their results under `dataKey`. */
export function checksStep(
  kind: StepKind,
  checksOf: (ctx: StepContext) => HttpCheck[],
  dataKey: string,
  what: string,
): StepDefinition {
  return {
    kind,
    async run(ctx) {
      const ingress = await targetHostname(ctx);
      const results = await runChecks(ctx, checksOf(ctx), { ingress }, what);
      await ctx.data.set(dataKey, results);
      return { type: "done", summary: describeChecks(results) };
    },
  };
}
