// Velero's include/exclude rules for namespaces and resources, and label selectors, shared by backup
// and restore.

import type { ResourceDef } from "../resources.js";
import { fromLabelSelectorObject, matchesLabels } from "../selectors.js";
import { getBool, getIn, getStringArray, type JsonValue, type KubeObject } from "../types.js";

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}

/** Included unless excluded; an empty include list or `*` includes everything. */
export function includesName(included: string[], excluded: string[], value: string): boolean {
  if (excluded.some((p) => glob(p).test(value))) return false;
  return included.length === 0 || included.some((p) => glob(p).test(value));
}

/** Names a resource may be referred by in Velero specs: `cronjobs`, `cronjobs.batch`, `cronjob`, `cj`, `CronJob`. */
export function resourceNames(def: ResourceDef): string[] {
  const names = [def.plural, def.singular, def.kind.toLowerCase(), ...(def.shortNames ?? [])];
  if (def.group) names.push(`${def.plural}.${def.group}`);
  return names;
}

export function includesResource(included: string[], excluded: string[], def: ResourceDef): boolean {
  const names = resourceNames(def);
  const matches = (list: string[]) => list.some((p) => p === "*" || names.includes(p.toLowerCase()));
  if (matches(excluded)) return false;
  return included.length === 0 || matches(included);
}

export interface ItemFilter {
  includedNamespaces: string[];
  excludedNamespaces: string[];
  includedResources: string[];
  excludedResources: string[];
  /** null: cluster-scoped kinds only when every namespace is included. */
  includeClusterResources: boolean | null;
  labelSelector: JsonValue | undefined;
  orLabelSelectors: JsonValue[];
}

export function filterFromSpec(spec: JsonValue | undefined): ItemFilter {
  const ors = getIn(spec, ["orLabelSelectors"]);
  return {
    includedNamespaces: getStringArray(spec, ["includedNamespaces"]).filter((n) => n !== "*"),
    excludedNamespaces: getStringArray(spec, ["excludedNamespaces"]),
    includedResources: getStringArray(spec, ["includedResources"]).filter((n) => n !== "*"),
    excludedResources: getStringArray(spec, ["excludedResources"]),
    includeClusterResources: getBool(spec, ["includeClusterResources"]) ?? null,
    labelSelector: getIn(spec, ["labelSelector"]) ?? undefined,
    orLabelSelectors: Array.isArray(ors) ? ors : [],
  };
}

export function matchesSelectors(f: ItemFilter, obj: KubeObject): boolean {
  const labels = obj.metadata?.labels ?? {};
  if (f.orLabelSelectors.length > 0)
    return f.orLabelSelectors.some((s) => matchesLabels(labels, fromLabelSelectorObject(s)));
  if (f.labelSelector === undefined || f.labelSelector === null) return true;
  return matchesLabels(labels, fromLabelSelectorObject(f.labelSelector));
}

/** Whether an item of kind `def` in `namespace` passes the namespace/resource/cluster-scope filters. */
export function passesScope(
  f: ItemFilter,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
): boolean {
  if (!includesResource(f.includedResources, f.excludedResources, def)) return false;
  if (def.kind === "Namespace") return includesName(f.includedNamespaces, f.excludedNamespaces, name);
  if (def.namespaced) return includesName(f.includedNamespaces, f.excludedNamespaces, namespace ?? "");
  if (f.includeClusterResources === false) return false;
  if (f.includeClusterResources === true) return true;
  return f.includedNamespaces.length === 0 && f.excludedNamespaces.length === 0;
}
