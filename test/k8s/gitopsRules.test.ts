// The pure GitOps rules: tracking marks (hostile ones included), exact restores of sync settings under
// any edit made while paused, the assessment of what to pause, and who changed a field.

import { mergePatch } from "@hikkoshi/test-hosts/kube/patch";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessGitOps, pausesFor, type SideView } from "../../src/k8s/gitops/assess.js";
import {
  type GitOpsObject,
  hasOriginal,
  isPaused,
  pausePatch,
  readGitOpsObject,
  restorePatch,
} from "../../src/k8s/gitops/controllers.js";
import { lastWriter } from "../../src/k8s/gitops/fieldManager.js";
import { offenders } from "../../src/k8s/gitops/guard.js";
import { controllerOf } from "../../src/k8s/gitops/tracking.js";
import { gitOpsFindings } from "../../src/k8s/preflight/gitops.js";
import type { GitOpsPause } from "../../src/migration/ports.js";
import { guardWarning, inGuardWindow, recordGuardStops } from "../../src/migration/steps/sourceGuard.js";
import type { StepData } from "../../src/migration/steps/stepDefinition.js";
import type { Migration, Step } from "../../src/migration/types.js";

const app = (name: string, syncPolicy: unknown, extra: Record<string, unknown> = {}) =>
  readGitOpsObject("Application", {
    metadata: { name, namespace: "argocd", ...extra },
    spec: { source: { repoURL: "https://git.example.com/x.git", path: `apps/${name}` }, syncPolicy },
  });
const res = (
  kind: "CronJob" | "Deployment",
  ns: string,
  name: string,
  marks: Record<string, string>,
  forbidden = true,
) => ({
  kind,
  namespace: ns,
  name,
  labels: Object.fromEntries(Object.entries(marks).filter(([k]) => !k.startsWith("argocd.argoproj.io"))),
  annotations: Object.fromEntries(Object.entries(marks).filter(([k]) => k.startsWith("argocd.argoproj.io"))),
  forbidden,
});
const tracking = (a: string, ns: string, name: string) => ({
  "argocd.argoproj.io/tracking-id": `${a}:batch/CronJob:${ns}/${name}`,
});

describe("tracking marks", () => {
  it("reads Argo CD's tracking id (with apps outside argocd), its instance label and Flux's labels", () => {
    expect(controllerOf({}, { "argocd.argoproj.io/tracking-id": "ops:batch/CronJob:ops/a" })).toMatchObject({
      kind: "Application",
      namespace: "",
      name: "ops",
    });
    expect(
      controllerOf({}, { "argocd.argoproj.io/tracking-id": "team-a_ops:apps/Deployment:x/y" }),
    ).toMatchObject({
      namespace: "team-a",
      name: "ops",
    });
    expect(
      controllerOf(
        {
          "kustomize.toolkit.fluxcd.io/name": "apps",
          "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
        },
        {},
      ),
    ).toMatchObject({ kind: "Kustomization", namespace: "flux-system", name: "apps" });
    expect(controllerOf({ "helm.toolkit.fluxcd.io/name": "web" }, {})).toMatchObject({ kind: "HelmRelease" });
    expect(controllerOf({ "app.kubernetes.io/instance": "web" }, {})).toMatchObject({
      via: "instance-label",
    });
    expect(controllerOf({ app: "web" }, {})).toBeUndefined();
  });

  it("never throws on hostile labels and annotations", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string()),
        fc.dictionary(fc.string(), fc.string()),
        (l, a) => {
          controllerOf(l, a);
          controllerOf(
            { ...l, "kustomize.toolkit.fluxcd.io/name": "" },
            { ...a, "argocd.argoproj.io/tracking-id": ":::" },
          );
        },
      ),
    );
  });
});

describe("sync settings", () => {
  const policy = fc.option(
    fc.record(
      { enabled: fc.boolean(), prune: fc.boolean(), selfHeal: fc.boolean(), allowEmpty: fc.boolean() },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  );

  it("pausing then restoring gives back the exact original automated policy, whatever was edited meanwhile", () => {
    fc.assert(
      fc.property(policy, policy, (original, edited) => {
        const obj = { spec: { syncPolicy: original === undefined ? {} : { automated: original } } };
        const p: Pick<GitOpsPause, "original"> = readGitOpsObject("Application", obj);
        const paused = mergePatch(obj as never, pausePatch(p) as never);
        expect(isPaused("Application", paused)).toBe(true);
        const meanwhile =
          edited === undefined
            ? paused
            : mergePatch(paused, { spec: { syncPolicy: { automated: edited } } } as never);
        const restored = mergePatch(meanwhile, restorePatch(p, meanwhile) as never);
        expect(hasOriginal(p, restored)).toBe(true);
        expect(
          (restored as { spec: { syncPolicy: { automated?: unknown } } }).spec.syncPolicy.automated ??
            undefined,
        ).toEqual(original);
      }),
    );
  });

  it("Flux: suspend true while paused, and the original (true, false or absent) after", () => {
    for (const original of [true, false, undefined]) {
      const obj = { spec: original === undefined ? {} : { suspend: original } };
      const p = readGitOpsObject("Kustomization", obj);
      const paused = mergePatch(obj as never, pausePatch(p) as never);
      expect(isPaused("Kustomization", paused)).toBe(true);
      const restored = mergePatch(paused, restorePatch(p, paused) as never) as {
        spec: { suspend?: boolean };
      };
      expect(restored.spec.suspend).toBe(original);
    }
  });

  it("reads any object without throwing (hostile shapes from a cluster are normal input)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Application", "Kustomization", "HelmRelease" as const),
        fc.anything(),
        (kind, spec) => {
          for (const obj of [
            spec,
            { metadata: { ownerReferences: spec }, spec },
            { spec: { syncPolicy: spec, suspend: spec } },
          ]) {
            const o = readGitOpsObject(kind, obj);
            restorePatch(o, obj);
            hasOriginal(o, obj);
            isPaused(kind, obj);
          }
        },
      ),
    );
  });

  it("says when a controller would revert: self-heal now, automated without it at the next sync, disabled never", () => {
    expect(app("a", { automated: { selfHeal: true } }).reverts).toBe("now");
    expect(app("a", { automated: {} }).reverts).toBe("next-sync");
    expect(app("a", { automated: { enabled: false, selfHeal: true } }).reverts).toBe("never");
    expect(app("a", {}).reverts).toBe("never");
    expect(readGitOpsObject("HelmRelease", { spec: {} }).reverts).toBe("next-sync");
    expect(readGitOpsObject("HelmRelease", { spec: { driftDetection: { mode: "enabled" } } }).reverts).toBe(
      "now",
    );
    expect(readGitOpsObject("Kustomization", { spec: { suspend: true } }).reverts).toBe("never");
  });
});

describe("assessment", () => {
  const view = (
    side: "source" | "target",
    controllers: GitOpsObject[],
    resources: SideView["resources"],
  ): SideView => ({
    side,
    controllers,
    resources,
  });

  it("pauses the parent of an app it pauses (app of apps), and the target's twin found by its Git path", () => {
    const child = app(
      "ops",
      { automated: { selfHeal: true } },
      {
        annotations: { "argocd.argoproj.io/tracking-id": "root:argoproj.io/Application:argocd/ops" },
      },
    );
    const root = app("root", { automated: { selfHeal: true } });
    const twin = { ...app("ops-new-name", { automated: { selfHeal: true } }), source: child.source };
    const a = assessGitOps([
      view("source", [child, root], [res("CronJob", "ops", "close", tracking("ops", "ops", "close"))]),
      view("target", [twin], []),
    ]);
    expect(pausesFor(a, "handoff").map((p) => `${p.side} ${p.name} ${p.manages.join(",")}`)).toEqual([
      "source ops CronJob ops/close",
      "source root Application argocd/ops",
      "target ops-new-name CronJob ops/close",
    ]);
  });

  it("blocks where it cannot pause: an unknown controller, an ApplicationSet's app; trusts resources marked paused by hand", () => {
    const owned = app(
      "ops",
      { automated: { selfHeal: true } },
      {
        ownerReferences: [
          { apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet", name: "all", uid: "1" },
        ],
      },
    );
    const a = assessGitOps([
      view(
        "source",
        [owned],
        [
          res("CronJob", "ops", "close", tracking("ops", "ops", "close")),
          res("CronJob", "pay", "settle", tracking("payments", "pay", "settle")),
          res("CronJob", "pay", "audit", { ...tracking("payments", "pay", "audit") }),
          res("CronJob", "web", "helm-only", { "app.kubernetes.io/instance": "web" }),
        ],
      ),
    ]);
    const findings = gitOpsFindings(a, (s) => s);
    expect(findings.map((f) => `${f.severity} ${f.code}`).sort()).toEqual([
      "blocking gitops-cannot-pause",
      "blocking gitops-unknown-controller",
    ]);
    expect(findings.find((f) => f.code === "gitops-unknown-controller")?.subjects).toEqual([
      "CronJob pay/audit",
      "CronJob pay/settle",
    ]);
    const byHand = res("CronJob", "pay", "settle", tracking("payments", "pay", "settle"));
    byHand.annotations["hikkoshi.dev/gitops-paused-by-hand"] = "true";
    const b = gitOpsFindings(assessGitOps([view("source", [], [byHand])]), (s) => s);
    expect(b.map((f) => `${f.severity} ${f.code}`)).toEqual(["info gitops-paused-by-hand"]);
  });
});

describe("field managers and offenders", () => {
  const entry = (manager: string, time: string, extra: Record<string, unknown> = {}) => ({
    manager,
    operation: "Update",
    time,
    ...extra,
  });

  it("names the newest writer of the main resource, preferring the field's owner and others than hikkoshi on a tie", () => {
    const obj = (entries: unknown[]) => ({ metadata: { managedFields: entries } });
    expect(
      lastWriter(
        obj([
          entry("kubectl", "2026-01-01T10:00:00Z"),
          entry("argocd-controller", "2026-01-01T10:00:05Z"),
          entry("kube-controller-manager", "2026-01-01T10:00:09Z", { subresource: "status" }),
        ]),
        ["f:spec", "f:suspend"],
      ),
    ).toBe("argocd-controller");
    expect(
      lastWriter(
        obj([
          entry("argocd-controller", "2026-01-01T10:00:05Z"),
          entry("hikkoshi-guard", "2026-01-01T10:00:05Z"),
        ]),
        ["f:spec", "f:suspend"],
      ),
    ).toBe("argocd-controller");
    expect(
      lastWriter(
        obj([
          entry("kubectl", "2026-01-01T10:00:07Z", { fieldsV1: { "f:metadata": {} } }),
          entry("flux", "2026-01-01T10:00:01Z", { fieldsV1: { "f:spec": { "f:suspend": {} } } }),
        ]),
        ["f:spec", "f:suspend"],
      ),
    ).toBe("flux");
    expect(lastWriter({}, ["f:spec"])).toBe("unknown");
  });

  it("offenders: unsuspended CronJobs and Deployments wanting pods; never throws on odd objects", () => {
    const found = offenders(
      [
        { metadata: { namespace: "a", name: "x" }, spec: { suspend: false } },
        { metadata: { name: "y" }, spec: { suspend: true } },
      ],
      [
        { metadata: { namespace: "a", name: "d" }, spec: { replicas: 0 } },
        { metadata: { namespace: "a", name: "e" }, spec: {} },
      ],
    );
    expect(found.map((o) => `${o.kind} ${o.name}`)).toEqual(["CronJob x", "Deployment e"]);
    fc.assert(fc.property(fc.array(fc.anything()), fc.array(fc.anything()), (c, d) => void offenders(c, d)));
  });
});

describe("the source guard's window and records", () => {
  const migration = (
    status: Migration["status"],
    states: Record<string, Step["status"]["state"]>,
  ): Migration =>
    ({
      status,
      steps: ["handoff", "resume-target-gitops", "gate-decommission", "decommission"].map((kind) => ({
        id: kind,
        kind,
        title: kind,
        effect: true,
        status: { state: states[kind] ?? "pending" },
      })),
    }) as unknown as Migration;

  it("runs from a completed handoff until the decommission succeeded, never while rolling back", () => {
    expect(inGuardWindow(migration("running", { handoff: "running" }))).toBe(false);
    expect(inGuardWindow(migration("running", { handoff: "succeeded" }))).toBe(true);
    expect(inGuardWindow(migration("awaiting-approval", { handoff: "succeeded" }))).toBe(true);
    expect(inGuardWindow(migration("halted", { handoff: "succeeded", decommission: "failed" }))).toBe(true);
    expect(inGuardWindow(migration("rolling-back", { handoff: "succeeded" }))).toBe(false);
    expect(inGuardWindow(migration("completed", { handoff: "succeeded", decommission: "succeeded" }))).toBe(
      false,
    );
    expect(inGuardWindow(migration("running", { handoff: "succeeded", decommission: "succeeded" }))).toBe(
      false,
    );
  });

  it("records each re-activation once, however often and by however many workers it is seen", async () => {
    const store = new Map<string, unknown>();
    const data: StepData = {
      get: async <T>(k: string) => store.get(k) as T | undefined,
      // As Redis HSETNX: the first value written wins, whoever produced it.
      once: async <T>(k: string, produce: () => Promise<T>) => {
        const v = await produce();
        if (!store.has(k)) store.set(k, v);
        return store.get(k) as T;
      },
      set: async <T>(k: string, v: T) => {
        store.set(k, v);
      },
    };
    const stop = { resource: "CronJob ops/a", manager: "argocd-controller", resourceVersion: "7", at: 1 };
    const [first, second] = await Promise.all([
      recordGuardStops(data, [stop]),
      recordGuardStops(data, [stop]),
    ]);
    expect([...first, ...second]).toEqual([stop]);
    const again = { ...stop, resourceVersion: "9", at: 2 };
    expect(await recordGuardStops(data, [stop, again])).toEqual([again]);
    expect(await data.get("gitops.guardStops")).toEqual([stop, again]);
    expect(guardWarning(stop, "old-1")).toMatch(
      /CronJob ops\/a was active again on old-1 \(changed by field manager "argocd-controller"\)/,
    );
  });
});
