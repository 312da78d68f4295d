// `/migrate ...` parsing: a pure function from the typed text (and the config, for environment and
// cluster names) to what the person asked for, or a specific error that names the fix.

import type { HikkoshiConfig } from "../config/schema.js";
import { MAX_COMMAND_TEXT, MAX_TOKEN_LENGTH } from "./http/limits.js";

export const SUBCOMMANDS = [
  "start",
  "plan",
  "status",
  "approve",
  "rollback",
  "retry",
  "abort",
  "history",
  "help",
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const USAGE: Record<Subcommand, string> = {
  start: "/migrate start <env> [to <cluster>]",
  plan: "/migrate plan <env> [to <cluster>]",
  status: "/migrate status [env]",
  approve: "/migrate approve <env>",
  rollback: "/migrate rollback <env> [reason]",
  retry: "/migrate retry <env>",
  abort: "/migrate abort <env>",
  history: "/migrate history <env>",
  help: "/migrate help [command]",
};

export type ParsedCommand =
  | { kind: "start"; env: string; target?: string }
  | { kind: "plan"; env: string; target?: string }
  | { kind: "status"; env?: string }
  | { kind: "approve"; env: string }
  | { kind: "rollback"; env: string; reason?: string }
  | { kind: "retry"; env: string }
  | { kind: "abort"; env: string }
  | { kind: "history"; env: string }
  | { kind: "help"; topic?: Subcommand }
  | { kind: "error"; message: string; usage?: string };

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      row[j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate a person probably meant, or undefined when none is close enough. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  const prefixed = candidates.filter((c) => word.length >= 2 && c.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    // The distance is at least the difference in length: skip the table when it cannot be close.
    if (Math.abs(c.length - word.length) > allowed) continue;
    const dist = editDistance(word, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}

// Markup Slack itself inserts in command text (a picked user, channel or group, a special mention, a
// link). What a person typed literally arrives entity-escaped instead (`&lt;!here&gt;`), so only these
// raw forms are Slack's.
const SLACK_MARKUP = /<([@#!])?([^<>|]*)(?:\|([^<>]*))?>/g;

function markupToText(_all: string, sigil: string | undefined, target: string, label?: string): string {
  if (sigil === "@" || sigil === "#") return `${sigil}${label ?? target}`;
  if (sigil === "!") {
    if (label !== undefined) return label.startsWith("@") ? label : `@${label}`;
    const special = target.split("^")[0] ?? target;
    return `@${special === "subteam" ? target.slice("subteam^".length) : special}`;
  }
  return label ?? target;
}

/**
 * The command text as the person read it: Slack's markup becomes plain words (`@bob`, `#ops`, `@here`)
 * and the entities are decoded. The result is plain text: it pings nobody until something renders it
 * unescaped, and every renderer escapes it (render/format.ts `escapeMrkdwn`).
 */
export function plainCommandText(text: string): string {
  return text
    .replace(SLACK_MARKUP, markupToText)
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Phones insert non-breaking spaces. */
function tokenize(text: string): string[] {
  return text.split(/[\s\u00a0]+/).filter((t) => t.length > 0);
}

/** What a person typed, quoted in an error: short enough to read. */
function echo(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function tooLong(token: string, what: string): ParsedCommand {
  return {
    kind: "error",
    message: `${what} "${echo(token)}" is ${token.length} characters long; names are at most ${MAX_TOKEN_LENGTH} characters. Check the command for a pasted text.`,
  };
}

function isSubcommand(word: string): word is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(word);
}

type EnvCheck = { ok: true; env: string } | { ok: false; error: ParsedCommand };

function checkEnv(raw: string | undefined, sub: Subcommand, config: HikkoshiConfig): EnvCheck {
  const envs = Object.keys(config.environments).sort();
  if (raw === undefined) {
    return {
      ok: false,
      error: {
        kind: "error",
        message: `missing environment; usage: ${USAGE[sub]} (environments: ${envs.join(", ")})`,
        usage: USAGE[sub],
      },
    };
  }
  if (raw.length > MAX_TOKEN_LENGTH) return { ok: false, error: tooLong(raw, "environment") };
  const env = raw.toLowerCase();
  if (Object.hasOwn(config.environments, env)) return { ok: true, env };
  const guess = closest(env, envs);
  const message =
    guess !== undefined
      ? `unknown environment "${raw}"; did you mean "${guess}"?`
      : `unknown environment "${raw}"; configured environments: ${quoteList(envs)}`;
  return { ok: false, error: { kind: "error", message } };
}

function unexpected(rest: string[], sub: Subcommand): ParsedCommand {
  return {
    kind: "error",
    message: `unexpected "${echo(rest.join(" "))}"; usage: ${USAGE[sub]}`,
    usage: USAGE[sub],
  };
}

/** `[to <cluster>]` after the environment, for start and plan. */
function parseTarget(
  env: string,
  rest: string[],
  sub: "start" | "plan",
  config: HikkoshiConfig,
): { ok: true; target?: string } | { ok: false; error: ParsedCommand } {
  if (rest.length === 0) return { ok: true };
  const [word, cluster, ...extra] = rest;
  if (word?.toLowerCase() !== "to") return { ok: false, error: unexpected(rest, sub) };
  if (cluster === undefined) {
    return {
      ok: false,
      error: {
        kind: "error",
        message: `missing cluster after "to"; usage: ${USAGE[sub]}`,
        usage: USAGE[sub],
      },
    };
  }
  if (extra.length > 0) return { ok: false, error: unexpected(extra, sub) };
  if (cluster.length > MAX_TOKEN_LENGTH) return { ok: false, error: tooLong(cluster, "cluster") };
  const names = config.environments[env]!.clusters.map((c) => c.name);
  const name = cluster.toLowerCase();
  if (names.includes(name)) return { ok: true, target: name };
  const guess = closest(name, names);
  const hint = guess !== undefined ? `did you mean "${guess}"? ` : "";
  return {
    ok: false,
    error: {
      kind: "error",
      message: `cluster "${cluster}" is not configured for ${env}; ${hint}valid clusters: ${quoteList(names)}`,
    },
  };
}

export function parseMigrateCommand(text: string, config: HikkoshiConfig): ParsedCommand {
  // Bounded before anything else: the cost of what follows grows with the text.
  if (text.length > MAX_COMMAND_TEXT) {
    return {
      kind: "error",
      message: `the command is ${text.length} characters long; at most ${MAX_COMMAND_TEXT} are read. Shorten the rollback reason.`,
    };
  }
  const tokens = tokenize(plainCommandText(text));
  const [first, ...args] = tokens;
  if (first === undefined) return { kind: "help" };
  if (first.length > MAX_TOKEN_LENGTH) return tooLong(first, "command");
  const word = first.toLowerCase();
  if (!isSubcommand(word)) {
    const guess = closest(word, SUBCOMMANDS);
    const message =
      guess !== undefined
        ? `unknown command "${echo(first)}"; did you mean "${guess}"? Try \`/migrate help\`.`
        : `unknown command "${echo(first)}"; commands: ${SUBCOMMANDS.join(", ")}. Try \`/migrate help\`.`;
    return { kind: "error", message };
  }
  const sub: Subcommand = word;
  switch (sub) {
    case "help": {
      if (args.length === 0) return { kind: "help" };
      const topic = args[0]!.toLowerCase();
      if (args.length === 1 && isSubcommand(topic)) return { kind: "help", topic };
      return unexpected(args, sub);
    }
    case "status": {
      if (args.length === 0) return { kind: "status" };
      const env = checkEnv(args[0], sub, config);
      if (!env.ok) return env.error;
      if (args.length > 1) return unexpected(args.slice(1), sub);
      return { kind: "status", env: env.env };
    }
    case "start":
    case "plan": {
      const env = checkEnv(args[0], sub, config);
      if (!env.ok) return env.error;
      const target = parseTarget(env.env, args.slice(1), sub, config);
      if (!target.ok) return target.error;
      return target.target !== undefined
        ? { kind: sub, env: env.env, target: target.target }
        : { kind: sub, env: env.env };
    }
    case "rollback": {
      const env = checkEnv(args[0], sub, config);
      if (!env.ok) return env.error;
      const reason = args.slice(1).join(" ").slice(0, 500);
      return reason.length > 0
        ? { kind: "rollback", env: env.env, reason }
        : { kind: "rollback", env: env.env };
    }
    case "approve":
    case "retry":
    case "abort":
    case "history": {
      const env = checkEnv(args[0], sub, config);
      if (!env.ok) return env.error;
      if (args.length > 1) return unexpected(args.slice(1), sub);
      return { kind: sub, env: env.env };
    }
  }
}
