// deploy/rbac/clusterrole.yaml is valid Kubernetes RBAC, grants every permission preflight checks for
// (src/k8s/preflight/access.ts), and nothing on Secrets.

import { readFileSync } from "node:fs";
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { describePermission, REQUIRED_PERMISSIONS } from "../../src/k8s/preflight/access.js";

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
}

const docs = parseAllDocuments(readFileSync("deploy/rbac/clusterrole.yaml", "utf8")).map(
  (d) => d.toJSON() as Doc,
);

function grants(rules: Rule[], verb: string, group: string, resource: string, subresource?: string): boolean {
  const res = subresource ? `${resource}/${subresource}` : resource;
  return rules.some(
    (r) =>
      (r.apiGroups ?? []).some((g) => g === group || g === "*") &&
      (r.resources ?? []).some((x) => x === res || x === "*") &&
      r.verbs.some((v) => v === verb || v === "*") &&
      (r.resourceNames === undefined || r.resourceNames.length === 0),
  );
}

describe("RBAC manifest", () => {
  it("is valid RBAC", () => {
    const models = { ClusterRole, ClusterRoleBinding, Role, RoleBinding } as const;
    expect(docs.map((d) => d.kind).sort()).toEqual(
      [
        "ClusterRole",
        "ClusterRoleBinding",
        "Role",
        "Role",
        "Role",
        "RoleBinding",
        "RoleBinding",
        "RoleBinding",
      ].sort(),
    );
    for (const d of docs) {
      const Model = models[d.kind as keyof typeof models];
      expect(() => new Model(d as never).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
    }
  });

  it("grants every permission preflight checks", () => {
    const cluster = docs.filter((d) => d.kind === "ClusterRole").flatMap((d) => d.rules ?? []);
    const roles = (ns: string) =>
      docs.filter((d) => d.kind === "Role" && d.metadata.namespace === ns).flatMap((d) => d.rules ?? []);
    const missing = REQUIRED_PERMISSIONS.filter((p) => {
      const ns = p.namespace;
      const rules = ns ? [...cluster, ...roles(ns)] : cluster;
      return !grants(rules, p.verb, p.group, p.resource, p.subresource);
    }).map((p) => describePermission(p, "velero"));
    expect(missing).toEqual([]);
  });

  it("never grants access to Secrets, and nothing cluster-wide beyond reads, patches of workloads and CronJobs", () => {
    const all = docs.flatMap((d) => d.rules ?? []);
    expect(
      all.some((r) => (r.resources ?? []).includes("secrets") || (r.resources ?? []).includes("*")),
    ).toBe(false);
    const clusterVerbs = new Set(
      docs.filter((d) => d.kind === "ClusterRole").flatMap((d) => (d.rules ?? []).flatMap((r) => r.verbs)),
    );
    expect([...clusterVerbs].sort()).toEqual(["get", "list", "patch"]);
  });
});
