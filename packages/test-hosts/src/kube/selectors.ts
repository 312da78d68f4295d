// Label selectors (string form and metav1.LabelSelector) and field selectors, with apimachinery's syntax.

import { badRequest } from "./errors.js";
import {
  getIn,
  getString,
  getStringArray,
  getStringMap,
  isObject,
  type JsonValue,
  type KubeObject,
} from "./types.js";

export type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "notexists"; key: string }
  | { op: "gt" | "lt"; key: string; value: number };

export type LabelSelector = Requirement[];

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type Token = { t: "id"; v: string } | { t: "op"; v: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === "==" || two === "!=") {
      tokens.push({ t: "op", v: two });
      i += 2;
      continue;
    }
    if ("=!(),<>".includes(c)) {
      tokens.push({ t: "op", v: c });
      i++;
      continue;
    }
    let j = i;
    while (j < input.length && !" \t=!(),<>".includes(input[j]!)) j++;
    tokens.push({ t: "id", v: input.slice(i, j) });
    i = j;
  }
  return tokens;
}

function fail(msg: string): never {
  throw badRequest(`unable to parse requirement: ${msg}`);
}

function checkKey(key: string): string {
  if (!QUALIFIED_NAME.test(key) || key.split("/").pop()!.length > 63) {
    fail(
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return key;
}

function checkValue(value: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    fail(
      `values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return value;
}

/** Parses `a=b,c!=d,e in (f,g),!h,i` into requirements; throws a 400 Status on bad syntax. */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  const reqs: Requirement[] = [];
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const next = (): Token | undefined => tokens[p++];
  while (p < tokens.length) {
    let tok = next()!;
    if (tok.t === "op" && tok.v === "!") {
      const k = next();
      if (k?.t !== "id") fail(`found '${k?.v ?? ""}', expected: identifier`);
      reqs.push({ op: "notexists", key: checkKey(k.v) });
    } else if (tok.t === "id") {
      const key = checkKey(tok.v);
      const op = peek();
      if (!op || (op.t === "op" && op.v === ",")) {
        reqs.push({ op: "exists", key });
      } else if (op.t === "op" && ["=", "==", "!="].includes(op.v)) {
        p++;
        const val = peek();
        let value = "";
        if (val && val.t === "id") {
          value = val.v;
          p++;
        }
        reqs.push({ op: op.v === "!=" ? "neq" : "eq", key, value: checkValue(value) });
      } else if (op.t === "op" && (op.v === ">" || op.v === "<")) {
        p++;
        const val = next();
        const n = val && val.t === "id" ? Number(val.v) : Number.NaN;
        if (!Number.isInteger(n)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ op: op.v === ">" ? "gt" : "lt", key, value: n });
      } else if (op.t === "id" && (op.v === "in" || op.v === "notin")) {
        p++;
        const open = next();
        if (open?.v !== "(") fail(`found '${open?.v ?? ""}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          tok = next() ?? fail("found '', expected: ',', ')' or identifier");
          if (tok.t === "op" && tok.v === ")") break;
          if (tok.t === "op" && tok.v === ",") continue;
          if (tok.t !== "id") fail(`found '${tok.v}', expected: ',', ')' or identifier`);
          values.push(checkValue(tok.v));
        }
        if (values.length === 0 && op.v === "in")
          fail("for 'in', 'notin' operators, values set can't be empty");
        reqs.push({ op: op.v, key, values });
      } else {
        fail(`found '${op.v}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    } else {
      fail(`found '${tok.v}', expected: !, identifier, or 'end of string'`);
    }
    const sep = next();
    if (sep && !(sep.t === "op" && sep.v === ",")) fail(`found '${sep.v}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

export function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "eq":
      return has && v === r.value;
    case "neq":
      return !has || v !== r.value;
    case "in":
      return has && r.values.includes(v!);
    case "notin":
      return !has || !r.values.includes(v!);
    case "exists":
      return has;
    case "notexists":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      return r.op === "gt" ? Number(v) > r.value : Number(v) < r.value;
    }
  }
}

export function matchesLabels(labels: Record<string, string>, selector: LabelSelector): boolean {
  return selector.every((r) => matchesRequirement(labels, r));
}

/** Converts a metav1.LabelSelector (matchLabels + matchExpressions) to requirements. Null/absent matches everything. */
export function fromLabelSelectorObject(sel: JsonValue | undefined): LabelSelector {
  if (!isObject(sel)) return [];
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(getStringMap(sel, ["matchLabels"])))
    reqs.push({ op: "eq", key, value });
  const exprs = getIn(sel, ["matchExpressions"]);
  if (Array.isArray(exprs)) {
    for (const e of exprs) {
      const key = getString(e, ["key"]) ?? "";
      const op = getString(e, ["operator"]);
      const values = getStringArray(e, ["values"]);
      if (op === "In") reqs.push({ op: "in", key, values });
      else if (op === "NotIn") reqs.push({ op: "notin", key, values });
      else if (op === "Exists") reqs.push({ op: "exists", key });
      else if (op === "DoesNotExist") reqs.push({ op: "notexists", key });
    }
  }
  return reqs;
}

/** `a=b,c in (d)` form of a selector, as kubectl and `status.selector` show it. */
function formatRequirement(r: Requirement): string {
  switch (r.op) {
    case "eq":
      return `${r.key}=${r.value}`;
    case "neq":
      return `${r.key}!=${r.value}`;
    case "in":
      return `${r.key} in (${r.values.join(",")})`;
    case "notin":
      return `${r.key} notin (${r.values.join(",")})`;
    case "exists":
      return r.key;
    case "notexists":
      return `!${r.key}`;
    case "gt":
      return `${r.key}>${r.value}`;
    case "lt":
      return `${r.key}<${r.value}`;
  }
}

export function formatLabelSelector(sel: LabelSelector): string {
  return sel.map(formatRequirement).join(",");
}

// ------------------------------------------------------------------ field selectors

export interface FieldRequirement {
  field: string;
  op: "eq" | "neq";
  value: string;
}

/** Fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Record<string, string[]> = {
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "status.phase",
    "status.podIP",
  ],
  Secret: ["type"],
  Job: ["status.successful"],
  Event: [
    "involvedObject.kind",
    "involvedObject.name",
    "involvedObject.namespace",
    "involvedObject.uid",
    "reason",
    "type",
  ],
  Namespace: ["status.phase"],
  Node: ["spec.unschedulable"],
};

export function parseFieldSelector(input: string, kind: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  const allowed = ["metadata.name", "metadata.namespace", ...(EXTRA_FIELDS[kind] ?? [])];
  for (const part of input.split(",")) {
    const s = part.trim();
    if (!s) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${s}'`);
    const field = m[1]!;
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === "!=" ? "neq" : "eq", value: m[3]! });
  }
  return out;
}

export function matchesFields(obj: KubeObject, reqs: FieldRequirement[]): boolean {
  return reqs.every((r) => {
    const raw = getIn(obj, r.field.split("."));
    const v = raw === undefined || raw === null ? "" : String(raw);
    return r.op === "eq" ? v === r.value : v !== r.value;
  });
}
