// Per-host view of the catalogue: which group/versions are served, plus CRD-defined kinds.

import { invalidValue, requiredValue, unsupportedValue } from "./causes.js";
import { invalid } from "./errors.js";
import {
  BUILTIN_RESOURCES,
  groupVersion,
  type ResourceDef,
  resourceKey,
  splitApiVersion,
} from "./resources.js";
import { getBool, getIn, getString, getStringArray, isObject, type KubeObject } from "./types.js";

/** Kubernetes version priority: GA before beta before alpha, then higher numbers first. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  return sb - sa || mb - ma || nb - na;
}

export interface ServedResource {
  def: ResourceDef;
  version: string;
}

export class ResourceRegistry {
  private readonly served: Set<string>;
  private readonly crds = new Map<string, ResourceDef>();

  constructor(servedGroupVersions: Iterable<string>) {
    this.served = new Set(servedGroupVersions);
  }

  /** Every kind (built-in and custom), one entry per storage key. */
  all(): ResourceDef[] {
    return [...BUILTIN_RESOURCES, ...this.crds.values()];
  }

  servedVersions(def: ResourceDef): string[] {
    const versions = def.crd
      ? def.versions
      : def.versions.filter((v) => this.served.has(groupVersion(def.group, v)));
    return [...versions].sort(compareKubeVersions);
  }

  isServed(def: ResourceDef): boolean {
    return this.servedVersions(def).length > 0;
  }

  preferredVersion(def: ResourceDef): string | undefined {
    return this.preferredGroupVersion(def.group);
  }

  /** The preferred version of a group: the highest-priority served version among its kinds. */
  preferredGroupVersion(group: string): string | undefined {
    const versions = this.groupVersions(group);
    return versions[0];
  }

  groupVersions(group: string): string[] {
    const set = new Set<string>();
    for (const def of this.all())
      if (def.group === group) for (const v of this.servedVersions(def)) set.add(v);
    return [...set].sort(compareKubeVersions);
  }

  /** Served groups (without core), in discovery order: built-in first, then custom. */
  groups(): string[] {
    const out: string[] = [];
    for (const def of this.all()) {
      if (def.group && !out.includes(def.group) && this.isServed(def)) out.push(def.group);
    }
    return out;
  }

  /** Kinds served at group/version. */
  resourcesAt(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && this.servedVersions(d).includes(version));
  }

  resolve(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.resourcesAt(group, version).find((d) => d.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ServedResource | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const def = this.resourcesAt(group, version).find((d) => d.kind === kind);
    return def ? { def, version } : undefined;
  }

  /** Any kind with this group and kind, served or not (for storage lookups). */
  byGroupKind(group: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.kind === kind);
  }

  byKey(key: string): ResourceDef | undefined {
    return this.all().find((d) => resourceKey(d) === key);
  }

  /** Validates a CustomResourceDefinition and registers (or re-registers) its kind. */
  registerCrd(crd: KubeObject): ResourceDef {
    const def = crdToDef(crd);
    const builtin = BUILTIN_RESOURCES.find((d) => d.group === def.group && d.plural === def.plural);
    if (builtin) {
      throw invalid("apiextensions.k8s.io", "CustomResourceDefinition", def.crd ?? "", [
        invalidValue("spec.group", def.group, "is a built-in group"),
      ]);
    }
    this.crds.set(def.crd ?? "", def);
    return def;
  }

  unregisterCrd(name: string): ResourceDef | undefined {
    const def = this.crds.get(name);
    this.crds.delete(name);
    return def;
  }
}

function crdToDef(crd: KubeObject): ResourceDef {
  const name = crd.metadata?.name ?? "";
  const group = getString(crd, ["spec", "group"]) ?? "";
  const plural = getString(crd, ["spec", "names", "plural"]) ?? "";
  const kind = getString(crd, ["spec", "names", "kind"]) ?? "";
  const scope = getString(crd, ["spec", "scope"]);
  const rawVersions = getIn(crd, ["spec", "versions"]);
  const versions = Array.isArray(rawVersions) ? rawVersions.filter(isObject) : [];
  const causes = [];
  if (!group) causes.push(requiredValue("spec.group"));
  if (!plural) causes.push(requiredValue("spec.names.plural"));
  if (!kind) causes.push(requiredValue("spec.names.kind"));
  if (scope !== "Namespaced" && scope !== "Cluster") {
    causes.push(unsupportedValue("spec.scope", scope ?? "", ["Cluster", "Namespaced"]));
  }
  if (versions.length === 0) {
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  }
  if (group && plural && name !== `${plural}.${group}`) {
    causes.push(invalidValue("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (causes.length > 0) throw invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, causes);
  const storage = versions.find((v) => getBool(v, ["storage"]) === true) ?? versions[0];
  const served = versions.filter((v) => getBool(v, ["served"]) !== false);
  const ordered = [storage, ...served.filter((v) => v !== storage)].filter(
    (v) => v && getBool(v, ["served"]) !== false,
  );
  const statusSub = storage ? isObject(getIn(storage, ["subresources", "status"])) : false;
  const scaleObj = storage ? getIn(storage, ["subresources", "scale"]) : undefined;
  const result: ResourceDef = {
    group,
    versions: ordered.map((v) => getString(v, ["name"]) ?? "").filter(Boolean),
    plural,
    singular: getString(crd, ["spec", "names", "singular"]) ?? kind.toLowerCase(),
    kind,
    namespaced: scope === "Namespaced",
    shortNames: getStringArray(crd, ["spec", "names", "shortNames"]),
    categories: getStringArray(crd, ["spec", "names", "categories"]),
    statusSubresource: statusSub,
    crd: name,
  };
  if (isObject(scaleObj)) {
    result.scale = {
      specReplicasPath: getString(scaleObj, ["specReplicasPath"]) ?? ".spec.replicas",
      statusReplicasPath: getString(scaleObj, ["statusReplicasPath"]) ?? ".status.replicas",
      labelSelectorPath: getString(scaleObj, ["labelSelectorPath"]) ?? "",
    };
  }
  return result;
}
