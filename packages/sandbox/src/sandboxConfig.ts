import { parseConfig } from "../../../src/config/load.js";
import type { HikkoshiConfig } from "../../../src/config/schema.js";

export const SANDBOX_USERS = {
  alice: "U0ALICE001",
  bob: "U0BOB00001",
  mallory: "U0MALLORY1",
} as const;

export const SANDBOX_CHANNEL = "C0SANDBOX1";

/** The embedded default: one environment, two dated clusters, a weighted shift, four-eyes on. */
export function sandboxConfig(opts: { edgeUrl: string; strategy: "weighted" | "cnameSwap" }): HikkoshiConfig {
  const strategy =
    opts.strategy === "weighted"
      ? "{ type: weighted, steps: [10, 50, 100], soakMinutes: 0.05 }"
      : "{ type: cnameSwap }";
  return parseConfig(
    `
environments:
  production:
    channel: ${SANDBOX_CHANNEL}
    permissions:
      start: { groups: [S0PLATFORM] }
      approve: { groups: [S0PLATFORM] }
      rollback: { groups: [S0PLATFORM] }
    fourEyes: true
    clusters:
      - { name: production-20251101, context: production-20251101, ingress: { hostname: old-ingress.us-east-1.elb.amazonaws.com } }
      - { name: production-20261125, context: production-20261125 }
    dns:
      hostedZone: example.com.
      records: [www.example.com, api.example.com]
      strategy: ${strategy}
      lowerTtl: { enabled: true, ttlSeconds: 1 }
      drainMarginSeconds: 1
    checks:
      smoke: [{ name: target-ingress, url: "${opts.edgeUrl}/healthz", hostHeader: "{ingress}" }]
      verify: [{ name: public, url: "${opts.edgeUrl}/healthz", hostHeader: "www.example.com" }]
    velero: { syncTimeoutMinutes: 1, timeoutMinutes: 2 }
    readinessTimeoutMinutes: 1
    decommissionSoakMinutes: 0.05
`,
    "sandbox",
  );
}
