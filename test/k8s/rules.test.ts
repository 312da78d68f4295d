// Pure rules of the Kubernetes layer: functions of data, no cluster.

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDiscovery, parseVersion } from "../../src/k8s/clusterRegistry.js";
import { buildSnapshot } from "../../src/k8s/handoff/snapshot.js";
import { summarise } from "../../src/k8s/inventory.js";
import {
  hasPolicyLabel,
  labelValue,
  objectName,
  parseLabel,
  tolerantLabelSelector,
} from "../../src/k8s/labels.js";
import { assessWorkload } from "../../src/k8s/readiness.js";
import {
  classifyPhase,
  describeCommand,
  RUNNING_PHASES,
  readStatus,
  summarise as summariseVelero,
} from "../../src/k8s/velero/phases.js";
import {
  backupObject,
  forbiddenRestoreObject,
  modifierRules,
  tolerantRestoreObject,
} from "../../src/k8s/velero/specs.js";
import { envContext } from "./support.js";

const forbidden = parseLabel("hikkoshi.dev/duplication=forbidden");

describe("labels and names", () => {
  it("parses the policy label and treats any value of its key as labelled", () => {
    expect(forbidden).toEqual({ key: "hikkoshi.dev/duplication", value: "forbidden" });
    expect(hasPolicyLabel({ "hikkoshi.dev/duplication": "tolerant" }, forbidden)).toBe(true);
    expect(hasPolicyLabel({ "hikkoshi.dev/duplication": "" }, forbidden)).toBe(true);
    expect(hasPolicyLabel({ app: "x" }, forbidden)).toBe(false);
    expect(() => parseLabel("nolabel")).toThrow();
  });

  it("derives deterministic, valid names from the migration id", () => {
    expect(objectName("production-20261125-1", "tolerant")).toBe("hikkoshi-production-20261125-1-tolerant");
    expect(objectName("Prod_1")).toBe("hikkoshi-prod-1");
    expect(labelValue(`${"x".repeat(70)}-`)).toHaveLength(63);
  });
});

describe("Velero phases", () => {
  it("classifies every phase of Velero's enum", () => {
    for (const p of RUNNING_PHASES) expect(classifyPhase(p, false).kind).toBe("running");
    expect(classifyPhase("", false).kind).toBe("running");
    expect(classifyPhase("Completed", false).kind).toBe("succeeded");
    expect(classifyPhase("PartiallyFailed", false).kind).toBe("failed");
    expect(classifyPhase("PartiallyFailed", true).kind).toBe("succeeded");
    expect(classifyPhase("Failed", true).kind).toBe("failed");
    expect(classifyPhase("FailedValidation", true).kind).toBe("failed");
    expect(classifyPhase("Exploded", false).kind).toBe("unknown");
  });

  it("reports counts, reason and the describe command", () => {
    const s = readStatus(
      {
        metadata: { name: "r1" },
        status: {
          phase: "PartiallyFailed",
          errors: 3,
          warnings: 7,
          failureReason: "boom",
          progress: { itemsRestored: 5, totalItems: 9 },
        },
      },
      "itemsRestored",
    );
    expect(s).toMatchObject({
      phase: "PartiallyFailed",
      errors: 3,
      warnings: 7,
      itemsDone: 5,
      totalItems: 9,
      failureReason: "boom",
    });
    const cmd = describeCommand("restore", "r1", "velero");
    expect(cmd).toBe("velero restore describe r1 --details");
    expect(describeCommand("backup", "b", "backup-ns")).toBe(
      "velero backup describe b --details -n backup-ns",
    );
    expect(summariseVelero("Restore", s, cmd)).toContain(
      "3 errors, 7 warnings; reason: boom. Details: velero restore describe r1 --details",
    );
  });
});

describe("Velero objects", () => {
  const ctx = envContext();
  it("backs up every namespace but the excluded ones, labelled with the migration", () => {
    const b = backupObject("hikkoshi-m1", ctx.env, "m1");
    expect(b.metadata).toMatchObject({
      name: "hikkoshi-m1",
      namespace: "velero",
      labels: { "hikkoshi.dev/migration": "m1" },
    });
    expect(b.spec.excludedNamespaces).toEqual(ctx.env.excludedNamespaces);
    expect(b.spec.ttl).toBe("720h0m0s");
  });

  it("restores tolerant resources without the forbidden ones, Jobs or Pods", () => {
    const r = tolerantRestoreObject("b", ctx.env, "m1", forbidden);
    expect(r.spec.labelSelector).toEqual(tolerantLabelSelector(forbidden));
    expect(r.spec.labelSelector.matchExpressions[0]).toMatchObject({
      operator: "NotIn",
      values: ["forbidden"],
    });
    expect(r.spec.excludedResources).toEqual(
      expect.arrayContaining(["pods", "jobs.batch", "replicasets.apps"]),
    );
    expect(r.spec).not.toHaveProperty("existingResourcePolicy");
  });

  it("restores forbidden ones through a resource modifier that suspends CronJobs and zeroes Deployments", () => {
    const r = forbiddenRestoreObject("b", ctx.env, "m1", forbidden);
    expect(r.spec.labelSelector).toEqual({ matchLabels: { "hikkoshi.dev/duplication": "forbidden" } });
    expect(r.spec.resourceModifier).toEqual({ kind: "ConfigMap", name: "hikkoshi-m1-suspend" });
    expect(r.spec).not.toHaveProperty("existingResourcePolicy");
    const rules = parse(modifierRules());
    expect(rules.version).toBe("v1");
    const byResource = Object.fromEntries(
      rules.resourceModifierRules.map((x: { conditions: { groupResource: string }; patches: unknown[] }) => [
        x.conditions.groupResource,
        x.patches,
      ]),
    );
    expect(byResource["cronjobs.batch"]).toEqual([
      { operation: "add", path: "/spec/suspend", value: "true" },
    ]);
    expect(byResource["deployments.apps"]).toEqual([
      { operation: "add", path: "/spec/replicas", value: "0" },
    ]);
  });
});

describe("readiness", () => {
  const dep = (spec: number, status: Record<string, number>, extra: Record<string, unknown> = {}) => ({
    metadata: { name: "d", namespace: "n", generation: 2, labels: {} },
    spec: { replicas: spec },
    status: { observedGeneration: 2, ...status },
    ...extra,
  });
  it("requires the current generation and all replicas updated and available", () => {
    expect(
      assessWorkload(
        "Deployment",
        dep(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
        forbidden,
      ).ready,
    ).toBe(true);
    const lagging = dep(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(assessWorkload("Deployment", lagging, forbidden).reason).toContain(
      "has not observed generation 2",
    );
    const unavailable = dep(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 1 });
    (unavailable.status as Record<string, unknown>).conditions = [
      {
        type: "Available",
        status: "False",
        reason: "MinimumReplicasUnavailable",
        message: "Deployment does not have minimum availability.",
      },
    ];
    const a = assessWorkload("Deployment", unavailable, forbidden);
    expect(a.ready).toBe(false);
    expect(a.reason).toContain("1/3 available");
    expect(a.reason).toContain("MinimumReplicasUnavailable");
  });

  it("counts a forbidden Deployment held at 0 as ready, but not a tolerant one that lost its pods", () => {
    const held = dep(0, { replicas: 1 });
    (held.metadata.labels as Record<string, string>)["hikkoshi.dev/duplication"] = "forbidden";
    expect(assessWorkload("Deployment", held, forbidden).ready).toBe(true);
    expect(
      assessWorkload(
        "Deployment",
        dep(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 0 }),
        forbidden,
      ).ready,
    ).toBe(false);
  });

  it("checks StatefulSets and DaemonSets by their own counters", () => {
    const sts = {
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 2 },
    };
    expect(assessWorkload("StatefulSet", sts, forbidden).reason).toContain("1/2 ready");
    const ds = {
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      },
    };
    expect(assessWorkload("DaemonSet", ds, forbidden).ready).toBe(true);
  });
});

describe("inventory and snapshot", () => {
  it("groups by duplication policy", () => {
    const s = summarise(
      [
        { kind: "CronJob", namespace: "a", name: "x", labels: { "hikkoshi.dev/duplication": "forbidden" } },
        { kind: "CronJob", namespace: "a", name: "y", labels: { "hikkoshi.dev/duplication": "tolerant" } },
        { kind: "Deployment", namespace: "a", name: "z", labels: {} },
      ],
      forbidden,
    );
    expect(s).toEqual({ counts: { CronJob: 2, Deployment: 1 }, forbidden: ["CronJob a/x"], tolerant: 2 });
  });

  it("records both sides' originals, null where a side lacks the resource", () => {
    const cj = (ns: string, name: string, suspend: boolean, sds?: number) => ({
      metadata: { namespace: ns, name },
      spec: { suspend, ...(sds ? { startingDeadlineSeconds: sds } : {}) },
    });
    const snap = buildSnapshot(5, {
      sourceCron: [cj("a", "x", false, 60), cj("a", "only-source", true)],
      targetCron: [cj("a", "x", true, 60)],
      sourceDeploy: [{ metadata: { namespace: "a", name: "d" }, spec: { replicas: 1 } }],
      targetDeploy: [{ metadata: { namespace: "a", name: "d" }, spec: { replicas: 0 } }],
    });
    expect(snap.cronJobs).toEqual([
      {
        namespace: "a",
        name: "only-source",
        source: { suspend: true, startingDeadlineSeconds: null },
        target: null,
      },
      {
        namespace: "a",
        name: "x",
        source: { suspend: false, startingDeadlineSeconds: 60 },
        target: { suspend: true, startingDeadlineSeconds: 60 },
      },
    ]);
    expect(snap.deployments).toEqual([{ namespace: "a", name: "d", sourceReplicas: 1, targetReplicas: 0 }]);
  });
});

describe("cluster registry parsing", () => {
  it("parses provider-style versions", () => {
    expect(parseVersion("1", "32+", "v1.32.3-eks-abc")).toMatchObject({ major: 1, minor: 32 });
    expect(parseVersion("", "", "v1.29.1")).toMatchObject({ major: 1, minor: 29 });
  });
  it("collects served group/versions and preferred versions", () => {
    const d = parseDiscovery(
      { versions: ["v1"] },
      {
        groups: [
          {
            name: "apps",
            versions: [{ groupVersion: "apps/v1" }],
            preferredVersion: { groupVersion: "apps/v1" },
          },
          {
            name: "autoscaling",
            versions: [{ groupVersion: "autoscaling/v2" }, { groupVersion: "autoscaling/v1" }],
            preferredVersion: { groupVersion: "autoscaling/v2" },
          },
        ],
      },
    );
    expect([...d.served].sort()).toEqual(["apps/v1", "autoscaling/v1", "autoscaling/v2", "v1"]);
    expect(d.preferred.get("autoscaling")).toBe("autoscaling/v2");
  });
});
