// The step language of a rehearsal scenario: one line of plain English per step, parsed into data.
// Pure: text in, a step or a message that says what was expected out.
import { buildPlan } from "../../../../src/migration/plan.js";
import { MIGRATION_STATUSES, type MigrationStatus, type StepState } from "../../../../src/migration/types.js";
import { FAULTS, type FaultName } from "../faults.js";
import { sandboxConfig } from "../sandboxConfig.js";
import { SANDBOX_USERS } from "../world.js";

export type UserName = keyof typeof SANDBOX_USERS;
export type Where = "old" | "new" | "split";

export type Step =
  | { kind: "command"; user: UserName; text: string }
  | { kind: "click"; user: UserName; label: string }
  | { kind: "expect-reply"; pattern: RegExp; negate: boolean }
  | { kind: "wait-step"; step: string; states: StepState[] }
  | { kind: "wait-status"; statuses: MigrationStatus[] }
  | { kind: "wait-button"; label: string }
  | { kind: "sleep"; seconds: number }
  | { kind: "expect-dns"; where: Where; wait: boolean }
  | { kind: "expect-cronjobs"; where: "old" | "new"; wait: boolean }
  | { kind: "expect-start" }
  | { kind: "expect-invariant" }
  | { kind: "fault"; fault: FaultName; on: boolean }
  | { kind: "clear-faults" };

export const STATUSES: readonly MigrationStatus[] = MIGRATION_STATUSES;

export const STEP_STATES: readonly StepState[] = [
  "pending",
  "running",
  "waiting",
  "awaiting-approval",
  "succeeded",
  "failed",
  "interrupted",
  "compensating",
  "compensated",
  "compensation-failed",
  "skipped",
];

/** The step ids of the sandbox's runbook (both strategies have the same steps). */
export const STEP_IDS: readonly string[] = buildPlan(
  sandboxConfig({ edgeUrl: "http://127.0.0.1:1", strategy: "weighted" }).environments.production!,
).map((s) => s.id);

/** Friendly names for faults, besides their ids. */
const FAULT_ALIASES: Record<string, FaultName> = {
  "slow kube-apiserver": "kube-slow",
  "failing kube-apiserver": "kube-failing",
  "route 53 throttling": "route53-throttling",
  "throttle route 53": "route53-throttling",
  "slack rate limit": "slack-ratelimit",
};

export const STEP_FORMS = [
  "as <alice|bob|carol|mallory> run /migrate <args>",
  "as <user> click <button label>",
  'expect reply "<text>"   (or: expect no reply "<text>"; /regex/ also works)',
  "wait for step <step-id> <state>[|<state>]",
  "wait for status <status>[|<status>]",
  "wait for button <label>",
  "wait <n> seconds",
  "expect DNS at <old|new|split>   (or: wait for DNS at <old|new|split>)",
  "expect cronjobs on <old|new>   (or: wait for cronjobs on <old|new>)",
  "expect world at start",
  "expect invariant holds",
  "kill a worker",
  `fault <${FAULTS.filter((f) => f !== "worker-kill").join("|")}> [off]`,
  "clear faults",
];

export type ParsedStep = { ok: true; step: Step } | { ok: false; error: string };

const ok = (step: Step): ParsedStep => ({ ok: true, step });
const bad = (error: string): ParsedStep => ({ ok: false, error });

function pattern(raw: string): RegExp | string {
  const s = raw.trim();
  const re = /^\/(.+)\/([i]?)$/.exec(s);
  if (re) {
    try {
      return new RegExp(re[1]!, "i");
    } catch (err) {
      return `invalid regular expression ${s}: ${(err as Error).message}`;
    }
  }
  const unquoted = /^"(.*)"$|^'(.*)'$/.exec(s);
  const text = unquoted ? (unquoted[1] ?? unquoted[2] ?? "") : s;
  if (text.length === 0) return "the text to expect is empty";
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
}

function user(name: string): UserName | undefined {
  const n = name.toLowerCase();
  return n in SANDBOX_USERS ? (n as UserName) : undefined;
}

function oneOf<T extends string>(raw: string, allowed: readonly T[], what: string): T[] | string {
  const parts = raw.split("|").map((p) => p.trim());
  const wrong = parts.filter((p) => !allowed.includes(p as T));
  if (wrong.length > 0) return `unknown ${what} "${wrong.join("|")}"; use one of ${allowed.join(", ")}`;
  return parts as T[];
}

export function parseStep(line: string): ParsedStep {
  const s = line.trim().replace(/\s+/g, " ");
  let m = /^as (\S+) (run|click) (.+)$/i.exec(s);
  if (m) {
    const who = user(m[1]!);
    if (!who) return bad(`unknown user "${m[1]}"; the sandbox has ${Object.keys(SANDBOX_USERS).join(", ")}`);
    if (m[2]!.toLowerCase() === "click") return ok({ kind: "click", user: who, label: m[3]!.trim() });
    const cmd = /^\/migrate(?:\s+(.*))?$/.exec(m[3]!.trim());
    if (!cmd) return bad(`only /migrate commands can be run; got "${m[3]}"`);
    return ok({ kind: "command", user: who, text: cmd[1] ?? "" });
  }
  m = /^expect (no )?reply (.+)$/i.exec(s);
  if (m) {
    const p = pattern(m[2]!);
    return typeof p === "string" ? bad(p) : ok({ kind: "expect-reply", pattern: p, negate: Boolean(m[1]) });
  }
  m = /^wait for step (\S+) (\S+)$/i.exec(s);
  if (m) {
    if (!STEP_IDS.includes(m[1]!))
      return bad(`unknown step "${m[1]}"; the runbook has ${STEP_IDS.join(", ")}`);
    const states = oneOf(m[2]!, STEP_STATES, "step state");
    return typeof states === "string" ? bad(states) : ok({ kind: "wait-step", step: m[1]!, states });
  }
  m = /^wait for status (\S+)$/i.exec(s);
  if (m) {
    const statuses = oneOf(m[1]!, STATUSES, "status");
    return typeof statuses === "string" ? bad(statuses) : ok({ kind: "wait-status", statuses });
  }
  m = /^wait for button (.+)$/i.exec(s);
  if (m) return ok({ kind: "wait-button", label: m[1]!.trim() });
  m = /^wait (\d+(?:\.\d+)?) ?(s|sec|secs|seconds?)$/i.exec(s);
  if (m) {
    const seconds = Number(m[1]);
    if (seconds > 300) return bad("wait at most 300 seconds in one step");
    return ok({ kind: "sleep", seconds });
  }
  m = /^(expect|wait for) dns (?:at|on) (old|new|split)$/i.exec(s);
  if (m)
    return ok({
      kind: "expect-dns",
      where: m[2]!.toLowerCase() as Where,
      wait: m[1]!.toLowerCase() !== "expect",
    });
  m = /^(expect|wait for) cronjobs (?:on|at) (old|new)$/i.exec(s);
  if (m)
    return ok({
      kind: "expect-cronjobs",
      where: m[2]!.toLowerCase() as "old" | "new",
      wait: m[1]!.toLowerCase() !== "expect",
    });
  if (/^expect (the )?world (is )?at (the )?start$/i.test(s)) return ok({ kind: "expect-start" });
  if (/^expect (the )?invariants? holds?$/i.test(s)) return ok({ kind: "expect-invariant" });
  if (/^kill (a|the) worker$/i.test(s)) return ok({ kind: "fault", fault: "worker-kill", on: true });
  if (/^clear (all )?faults$/i.test(s)) return ok({ kind: "clear-faults" });
  m = /^fault (.+?)( off)?$/i.exec(s);
  if (m) {
    const name = m[1]!.toLowerCase();
    const fault =
      FAULT_ALIASES[name] ?? (FAULTS.includes(name as FaultName) ? (name as FaultName) : undefined);
    if (!fault) return bad(`unknown fault "${m[1]}"; use one of ${FAULTS.join(", ")}`);
    return ok({ kind: "fault", fault, on: !m[2] });
  }
  return bad(`unknown step "${s}"; steps look like:\n    ${STEP_FORMS.join("\n    ")}`);
}
