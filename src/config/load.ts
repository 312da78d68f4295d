import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configSchema, type HikkoshiConfig } from "./schema.js";

/** Thrown when the config file cannot be used; `problems` lists every one, each prefixed by its path. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `environments.production.clusters[1].context` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/** The value at `path` in the raw input: zod 4 issues no longer carry what they received. */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** One line per problem, `path: what is wrong`, for the config file and the process environment alike. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  const received = valueAt(input, issue.path);
  if (issue.code === "invalid_type" && received === undefined) return `${path}: required`;
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  if (issue.code === "invalid_type") return `${path}: expected ${issue.expected}, got ${typeName(received)}`;
  return `${path}: ${issue.message}`;
}

export function parseConfig(text: string, source = "config"): HikkoshiConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => `YAML syntax: ${e.message.split("\n")[0]}`),
    );
  }
  const input: unknown = doc.toJS();
  const result = configSchema.safeParse(input);
  if (!result.success)
    throw new ConfigError(
      source,
      result.error.issues.map((i) => describeIssue(i, input)),
    );
  return result.data;
}

export function loadConfigFile(path: string): HikkoshiConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === "ENOENT"
        ? `file not found; set HIKKOSHI_CONFIG to your config file (see deploy/hikkoshi.example.yaml)`
        : `cannot read file: ${(err as Error).message}`,
    ]);
  }
  return parseConfig(text, path);
}
