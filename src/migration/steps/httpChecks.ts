import type { HttpCheck } from "../../config/schema.js";
import { PermanentError } from "../errors.js";
import type { CheckResult } from "../ports.js";
import type { StepContext } from "./stepDefinition.js";

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
