// Velero restore resource modifiers: a ConfigMap (one data key) holding
//   version: v1
//   resourceModifierRules:
//   - conditions: { groupResource, resourceNameRegex?, namespaces?, labelSelector?, matches? }
//     patches: [{ operation, path, value?, from? }]           # JSON patch
//     mergePatches: [{ patchData }] / strategicPatches: [{ patchData }]

import { parse as parseYaml } from "yaml";
import { applyJsonPatch, type JsonPatchOp, mergePatch, strategicMergePatch } from "../patch.js";
import type { ResourceDef } from "../resources.js";
import { fromLabelSelectorObject, matchesLabels } from "../selectors.js";
import {
  getIn,
  getString,
  getStringArray,
  isObject,
  type JsonValue,
  jsonEqual,
  type KubeObject,
} from "../types.js";

export interface ModifierRule {
  groupResource: string;
  nameRegex?: RegExp;
  namespaces: string[];
  labelSelector: JsonValue | undefined;
  matches: Array<{ path: string; value: JsonValue }>;
  jsonPatches: JsonPatchOp[];
  mergePatches: JsonValue[];
  strategicPatches: JsonValue[];
}

/** Velero's JSONPatch value is a string turned into JSON when it parses as a number, bool, null, object or array. */
function patchValue(v: JsonValue | undefined): JsonValue {
  if (typeof v !== "string") return v ?? null;
  if (v === "") return "";
  try {
    return JSON.parse(v) as JsonValue;
  } catch {
    return v;
  }
}

function parseData(text: string): JsonValue[] {
  return text ? (isObject(parseYaml(text) as JsonValue) ? [parseYaml(text) as JsonValue] : []) : [];
}

/** Parses the modifiers ConfigMap; throws an Error with Velero-like text when it is not usable. */
export function parseModifiers(cm: KubeObject): ModifierRule[] {
  const data = isObject(cm.data) ? cm.data : {};
  const keys = Object.keys(data);
  const ns = cm.metadata?.namespace ?? "";
  const name = cm.metadata?.name ?? "";
  if (keys.length !== 1) throw new Error(`illegal resource modifiers ${ns}/${name} configmap`);
  const doc = parseData(String(data[keys[0]!] ?? ""))[0];
  if (getString(doc, ["version"]) !== "v1") {
    throw new Error(`unsupported resource modifier version ${getString(doc, ["version"]) ?? ""}`);
  }
  const rules = getIn(doc, ["resourceModifierRules"]);
  if (!Array.isArray(rules)) return [];
  return rules.filter(isObject).map((r) => {
    const cond = r.conditions;
    const regex = getString(cond, ["resourceNameRegex"]);
    const matches = getIn(cond, ["matches"]);
    const patches = Array.isArray(r.patches) ? r.patches.filter(isObject) : [];
    const patchData = (key: string): JsonValue[] => {
      const list = r[key];
      if (!Array.isArray(list)) return [];
      return list.flatMap((p) => {
        const raw = getString(p, ["patchData"]);
        return raw ? [parseYaml(raw) as JsonValue] : [];
      });
    };
    const rule: ModifierRule = {
      groupResource: (getString(cond, ["groupResource"]) ?? "").toLowerCase(),
      namespaces: getStringArray(cond, ["namespaces"]),
      labelSelector: getIn(cond, ["labelSelector"]) ?? undefined,
      matches: Array.isArray(matches)
        ? matches
            .filter(isObject)
            .map((m) => ({ path: getString(m, ["path"]) ?? "", value: patchValue(m.value) }))
        : [],
      jsonPatches: patches.map((p) => toOp(p)),
      mergePatches: patchData("mergePatches"),
      strategicPatches: patchData("strategicPatches"),
    };
    if (regex) rule.nameRegex = new RegExp(regex);
    return rule;
  });
}

function toOp(p: Record<string, JsonValue | undefined>): JsonPatchOp {
  const op = String(p.operation ?? "");
  const path = String(p.path ?? "");
  if (op === "remove") return { op, path };
  if (op === "move" || op === "copy") return { op, path, from: String(p.from ?? "") };
  if (op === "add" || op === "replace" || op === "test") return { op, path, value: patchValue(p.value) };
  throw new Error(`unsupported resource modifier operation ${op}`);
}

function ruleApplies(rule: ModifierRule, def: ResourceDef, obj: KubeObject): boolean {
  const gr = def.group ? `${def.plural}.${def.group}` : def.plural;
  if (rule.groupResource !== "*" && rule.groupResource !== gr) return false;
  const name = obj.metadata?.name ?? "";
  if (rule.nameRegex && !rule.nameRegex.test(name)) return false;
  if (rule.namespaces.length > 0 && !rule.namespaces.includes(obj.metadata?.namespace ?? "")) return false;
  if (
    rule.labelSelector &&
    !matchesLabels(obj.metadata?.labels ?? {}, fromLabelSelectorObject(rule.labelSelector))
  )
    return false;
  return rule.matches.every((m) => {
    const path = m.path
      .split("/")
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    return jsonEqual(getIn(obj, path), m.value);
  });
}

/** Applies every matching rule in order. A failing patch throws (Velero records a restore error). */
export function applyModifiers(rules: ModifierRule[], def: ResourceDef, obj: KubeObject): KubeObject {
  let cur: JsonValue = obj;
  for (const rule of rules) {
    if (!isObject(cur) || !ruleApplies(rule, def, cur)) continue;
    if (rule.jsonPatches.length > 0) cur = applyJsonPatch(cur, rule.jsonPatches);
    for (const p of rule.mergePatches) cur = mergePatch(cur, p);
    for (const p of rule.strategicPatches) cur = strategicMergePatch(cur, p);
  }
  if (!isObject(cur)) throw new Error("resource modifier produced a non-object");
  return cur;
}
