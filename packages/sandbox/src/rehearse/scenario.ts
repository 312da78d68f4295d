// A rehearsal scenario file: YAML a team can copy and edit. Parsing reports every problem with the file
// and line it is on, and what would be accepted there.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import type { MigrationStatus } from "../../../../src/migration/types.js";
import { parseStep, STATUSES, type Step } from "./steps.js";

export interface Scenario {
  name: string;
  description: string;
  strategy: "weighted" | "cnameSwap";
  /** Longest wait for any one step (seconds). */
  timeoutSeconds: number;
  steps: Array<{ line: number; text: string; step: Step }>;
  end: {
    status?: MigrationStatus;
    dns?: "old" | "new" | "split";
    cronjobs?: "old" | "new";
    atStart?: boolean;
  };
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid scenario:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

const TOP_KEYS = ["name", "description", "strategy", "timeoutSeconds", "steps", "end"];
const END_KEYS = ["status", "dns", "cronjobs", "atStart"];

export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const problems: string[] = [];
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? lc.linePos(node.range[0]).line : 1);
  const at = (node: YamlNode | null | undefined, msg: string) =>
    problems.push(`${file}:${lineOf(node)}: ${msg}`);

  for (const e of doc.errors)
    problems.push(`${file}:${e.linePos?.[0].line ?? 1}: YAML syntax: ${e.message.split("\n")[0]}`);
  if (problems.length > 0) throw new ScenarioError(file, problems);
  const root = doc.contents;
  if (!isMap(root))
    throw new ScenarioError(file, [`${file}:1: a scenario is a mapping with ${TOP_KEYS.join(", ")}`]);

  const scalar = (key: string): { value: unknown; node: YamlNode | undefined } => {
    const node = root.get(key, true) as YamlNode | undefined;
    return { value: isScalar(node) ? node.value : node ? Symbol("not a scalar") : undefined, node };
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!TOP_KEYS.includes(key))
      at(pair.key as YamlNode, `unknown key "${key}"; a scenario has ${TOP_KEYS.join(", ")}`);
  }
  const str = (key: string, required: boolean): string => {
    const { value, node } = scalar(key);
    if (value === undefined) {
      if (required) at(root, `"${key}" is missing`);
      return "";
    }
    if (typeof value !== "string") at(node, `"${key}" must be text`);
    return String(typeof value === "string" ? value : "");
  };
  const name = str("name", true);
  const description = str("description", false);
  const strategyRaw = str("strategy", false) || "cnameSwap";
  if (strategyRaw !== "weighted" && strategyRaw !== "cnameSwap")
    at(scalar("strategy").node, `strategy "${strategyRaw}": use weighted or cnameSwap`);
  const timeout = scalar("timeoutSeconds");
  let timeoutSeconds = 120;
  if (timeout.value !== undefined) {
    if (typeof timeout.value !== "number" || timeout.value <= 0 || timeout.value > 900)
      at(timeout.node, "timeoutSeconds must be a number of seconds between 1 and 900");
    else timeoutSeconds = timeout.value;
  }

  const steps: Scenario["steps"] = [];
  const stepsNode = root.get("steps", true) as YamlNode | undefined;
  if (!isSeq(stepsNode) || stepsNode.items.length === 0)
    at(stepsNode ?? root, '"steps" must be a list of steps (one line each)');
  else
    for (const item of stepsNode.items as YamlNode[]) {
      const text = isScalar(item) && typeof item.value === "string" ? item.value : undefined;
      if (text === undefined) {
        at(
          item,
          'a step is one line of text, e.g. "as bob click Approve cutover" (quote it if it has a colon)',
        );
        continue;
      }
      const parsed = parseStep(text);
      if (parsed.ok) steps.push({ line: lineOf(item), text, step: parsed.step });
      else at(item, parsed.error);
    }

  const end: Scenario["end"] = {};
  const endNode = root.get("end", true) as YamlNode | undefined;
  if (endNode !== undefined) {
    if (!isMap(endNode)) at(endNode, `"end" is a mapping with ${END_KEYS.join(", ")}`);
    else
      for (const pair of endNode.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : "";
        const v = isScalar(pair.value) ? pair.value.value : undefined;
        const node = (pair.value ?? pair.key) as YamlNode;
        if (key === "status") {
          if (STATUSES.includes(v as MigrationStatus)) end.status = v as MigrationStatus;
          else at(node, `end status "${String(v)}": use one of ${STATUSES.join(", ")}`);
        } else if (key === "dns") {
          if (v === "old" || v === "new" || v === "split") end.dns = v;
          else at(node, `end dns "${String(v)}": use old, new or split`);
        } else if (key === "cronjobs") {
          if (v === "old" || v === "new") end.cronjobs = v;
          else at(node, `end cronjobs "${String(v)}": use old or new`);
        } else if (key === "atStart") {
          if (typeof v === "boolean") end.atStart = v;
          else at(node, "end atStart must be true or false");
        } else at(pair.key as YamlNode, `unknown key "${key}" in end; use ${END_KEYS.join(", ")}`);
      }
  }
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return {
    name,
    description,
    strategy: strategyRaw as Scenario["strategy"],
    timeoutSeconds,
    steps,
    end,
  };
}
