// The ingress load balancer's hostname: the configured value, else the ingress Service's status. A
// restored Service gets a NEW load balancer, so the target's hostname is always read, never assumed.

import type { ClusterConfig } from "../config/schema.js";
import type { ClusterClient } from "./clusterRegistry.js";
import { getArray, getString } from "./objects.js";
import { isNotFound } from "./requestPolicy.js";
import { type Clock, throwIfAborted } from "./runtime.js";

/** `status.loadBalancer.ingress[0]`: hostname (AWS ELB style) or IP. */
export function loadBalancerAddress(service: unknown): string | undefined {
  for (const entry of getArray(service, ["status", "loadBalancer", "ingress"])) {
    const address = getString(entry, ["hostname"]) ?? getString(entry, ["ip"]);
    if (address) return address;
  }
  return undefined;
}

export function splitRef(ref: string): { namespace: string; name: string } {
  const [namespace = "", name = ""] = ref.split("/");
  return { namespace, name };
}

export async function readServiceAddress(
  client: ClusterClient,
  cluster: ClusterConfig,
): Promise<string | undefined> {
  const { namespace, name } = splitRef(cluster.ingress.service);
  try {
    const svc = await client.policy.call(`${client.name}: get service ${namespace}/${name}`, () =>
      client.core.readNamespacedService({ namespace, name }),
    );
    return loadBalancerAddress(svc);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Waits until the Service has a load-balancer address (a new LB takes a while to be provisioned). */
export async function waitServiceAddress(
  client: ClusterClient,
  cluster: ClusterConfig,
  timeoutMs: number,
  pollMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<string> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    throwIfAborted(signal, "reading the target ingress hostname");
    const address = await readServiceAddress(client, cluster);
    if (address) return address;
    if (clock.now() >= deadline) {
      throw new Error(
        `the ingress Service ${cluster.ingress.service} on ${cluster.name} has no load-balancer address after ` +
          `${Math.round(timeoutMs / 60_000)} min; check \`kubectl -n ${splitRef(cluster.ingress.service).namespace} ` +
          `describe service ${splitRef(cluster.ingress.service).name}\` on ${cluster.name}`,
      );
    }
    await clock.sleep(pollMs, signal);
  }
}
