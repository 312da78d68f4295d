// What a completed migration must have left in the world, read from the hosts.

import type { SandboxWorld } from "@hikkoshi/sandbox/world";
import { expect } from "vitest";
import type { WorldSnapshot } from "./snapshot.js";
import { loadBalancerHostnames, notReadyDeployments } from "./world.js";

const PUBLIC_NAMES = ["www.example.com.", "api.example.com."];

/** The target's new load balancer: the one hostname the restore's ingress Service got on the new cluster. */
export function newIngressHostname(world: SandboxWorld): string {
  const names = loadBalancerHostnames(world.new);
  expect(names, "LoadBalancer hostnames on the new cluster").toHaveLength(1);
  return names[0]!;
}

export function expectCompletedWorld(world: SandboxWorld, before: WorldSnapshot): void {
  const target = newIngressHostname(world);
  const env = world.config.environments.production!;

  // DNS: every live answer for each public name is the new load balancer, with the original TTL.
  const records = world.route53.recordSets(world.zoneId);
  for (const name of PUBLIC_NAMES) {
    const original = before.dns.filter((r) => r.Name === name);
    expect(original.length, `${name} existed before`).toBeGreaterThan(0);
    const originalTtl = original[0]!.TTL;
    const live = records.filter((r) => r.Name === name && (r.Weight === undefined || r.Weight > 0));
    expect(live.length, `${name} has a live answer`).toBeGreaterThan(0);
    for (const r of live) {
      expect(r.Type, name).toBe("CNAME");
      expect(
        r.ResourceRecords?.map((v) => v.Value),
        name,
      ).toEqual([target]);
      expect(r.TTL, `${name} TTL`).toBe(originalTtl);
    }
    for (const r of records.filter((x) => x.Name === name)) expect(r.TTL, `${name} TTL`).toBe(originalTtl);
  }

  // Forbidden CronJobs: suspended on the old cluster; on the new one running exactly when they ran on the
  // old one before, with their original startingDeadlineSeconds.
  const forbidden = Object.entries(before.old.cronJobs).filter(([, f]) => f.forbidden);
  expect(forbidden.length).toBeGreaterThan(0);
  for (const [key, flags] of forbidden) {
    const [namespace, name] = key.split("/") as [string, string];
    const oldCj = world.old.objects.get("batch/v1", "CronJob", name, namespace);
    const newCj = world.new.objects.get("batch/v1", "CronJob", name, namespace);
    const spec = (o: typeof oldCj) =>
      (o?.spec ?? {}) as { suspend?: boolean; startingDeadlineSeconds?: number };
    expect(spec(oldCj).suspend, `${key} on the old cluster`).toBe(true);
    expect(newCj, `${key} on the new cluster`).toBeDefined();
    expect(spec(newCj).suspend === true, `${key} suspended on the new cluster`).toBe(flags.suspend);
    expect(
      spec(newCj).startingDeadlineSeconds ?? null,
      `${key} startingDeadlineSeconds on the new cluster`,
    ).toBe(flags.startingDeadlineSeconds);
  }

  // Forbidden singletons run on the new cluster with the replicas they had on the old one.
  for (const key of before.old.forbiddenWorkloads) {
    const [kind, ref] = key.split(" ") as [string, string];
    const [namespace, name] = ref.split("/") as [string, string];
    const w = world.new.objects.get("apps/v1", kind, name, namespace);
    expect((w?.spec as { replicas?: number } | undefined)?.replicas, `${key} on the new cluster`).toBe(
      before.old.replicas[key],
    );
  }
  expect(before.old.forbiddenWorkloads.length).toBeGreaterThan(0);

  // Source workloads at 0 replicas (outside the namespaces hikkoshi never moves), and marked retired.
  const excluded = new Set(env.excludedNamespaces);
  for (const kind of ["Deployment", "StatefulSet"]) {
    for (const w of world.old.objects.list("apps/v1", kind)) {
      if (excluded.has(w.metadata?.namespace ?? "")) continue;
      expect(
        (w.spec as { replicas?: number }).replicas,
        `${kind} ${w.metadata?.namespace}/${w.metadata?.name} on the old cluster`,
      ).toBe(0);
    }
  }
  expect(world.old.objects.get("v1", "ConfigMap", "hikkoshi-retired", "kube-public")).toBeDefined();

  // The new cluster serves: every Deployment there is available.
  expect(notReadyDeployments(world.new)).toEqual([]);
}
