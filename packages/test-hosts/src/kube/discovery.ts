// Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>.

import type { ResourceRegistry } from "./registry.js";
import { groupVersion, verbsOf } from "./resources.js";
import type { JsonObject } from "./types.js";

export interface VersionInfo {
  major: string;
  minor: string;
  /** Patch level, e.g. 3 for v1.32.3. */
  patch?: number;
}

export function versionDocument(v: VersionInfo): JsonObject {
  const gitVersion = `v${v.major}.${v.minor}.${v.patch ?? 0}`;
  return {
    major: v.major,
    minor: v.minor,
    gitVersion,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-03-11T19:52:21Z",
    goVersion: "go1.23.6",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function coreVersions(address: string): JsonObject {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: address }],
  };
}

function groupDocument(registry: ResourceRegistry, group: string): JsonObject {
  const versions = registry.groupVersions(group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] ?? null };
}

export function groupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry.groups().map((g) => groupDocument(registry, g)),
  };
}

export function groupInfo(registry: ResourceRegistry, group: string): JsonObject | undefined {
  if (!registry.groups().includes(group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupDocument(registry, group) };
}

export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): JsonObject | undefined {
  const defs = registry.resourcesAt(group, version);
  if (defs.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const d of defs) {
    const entry: JsonObject = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsOf(d),
    };
    if (d.shortNames && d.shortNames.length > 0) entry.shortNames = d.shortNames;
    if (d.categories && d.categories.length > 0) entry.categories = d.categories;
    resources.push(entry);
    if (d.statusSubresource) {
      resources.push({
        name: `${d.plural}/status`,
        singularName: "",
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: ["get", "patch", "update"],
      });
    }
    if (d.scale) {
      resources.push({
        name: `${d.plural}/scale`,
        singularName: "",
        namespaced: d.namespaced,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      });
    }
  }
  const doc: JsonObject = { kind: "APIResourceList", groupVersion: groupVersion(group, version), resources };
  if (group) doc.apiVersion = "v1";
  return doc;
}
