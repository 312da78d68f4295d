// Kubeconfig YAML pointing @kubernetes/client-node (or kubectl) at test hosts.

import { stringify } from "yaml";

export interface KubeconfigEntry {
  /** Context name (defaults to the host name). */
  context: string;
  cluster: string;
  server: string;
  user: string;
  token: string;
  namespace?: string;
}

/** One kubeconfig with a context per entry; `current` defaults to the first. */
export function buildKubeconfig(entries: KubeconfigEntry[], current?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: entries.map((e) => ({
      name: e.cluster,
      // Plain HTTP on loopback: client-node requires insecure-skip-tls-verify for http:// servers.
      cluster: { server: e.server, "insecure-skip-tls-verify": true },
    })),
    users: entries.map((e) => ({ name: e.user, user: { token: e.token } })),
    contexts: entries.map((e) => ({
      name: e.context,
      context: { cluster: e.cluster, user: e.user, namespace: e.namespace ?? "default" },
    })),
    "current-context": current ?? entries[0]?.context ?? "",
  });
}
