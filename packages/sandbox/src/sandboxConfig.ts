import { parseConfig } from "../../../src/config/load.js";
import type { HikkoshiConfig } from "../../../src/config/schema.js";

/** alice starts, bob approves (both in the platform group), carol is on call (may roll back), mallory is an outsider. */
export const SANDBOX_USERS = {
  alice: "U0ALICE001",
  bob: "U0BOB00001",
  mallory: "U0MALLORY1",
  carol: "U0CAROL001",
} as const;

export const SANDBOX_CHANNEL = "C0SANDBOX1";

export interface SandboxConfigOptions {
  edgeUrl: string;
  strategy: "weighted" | "cnameSwap";
}

/** The embedded default as YAML (a worker process reads it from a file, as `npm start` does). */
export function sandboxConfigYaml(opts: SandboxConfigOptions): string {
  const strategy =
    opts.strategy === "weighted"
      ? "{ type: weighted, steps: [10, 50, 100], soakMinutes: 0.05 }"
      : "{ type: cnameSwap }";
  return `
environments:
  production:
    channel: ${SANDBOX_CHANNEL}
    permissions:
      start: { groups: [S0PLATFORM] }
      approve: { groups: [S0PLATFORM] }
      rollback: { groups: [S0PLATFORM], users: [${SANDBOX_USERS.carol}] }
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
`;
}

/** The embedded default: one environment, two dated clusters, a weighted shift, four-eyes on. */
export function sandboxConfig(opts: SandboxConfigOptions): HikkoshiConfig {
  return parseConfig(sandboxConfigYaml(opts), "sandbox");
}
