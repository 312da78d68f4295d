import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";

/** A small valid config for engine tests; `extra` is YAML merged into the production environment. */
export function testConfig(
  opts: {
    fourEyes?: boolean;
    strategy?: "cnameSwap" | "weighted";
    lowerTtl?: boolean;
    soakMinutes?: number;
    weightSoakMinutes?: number;
    approveEachStep?: boolean;
    freeze?: string;
    smoke?: boolean;
  } = {},
): HikkoshiConfig {
  const strategy =
    opts.strategy === "weighted"
      ? `{ type: weighted, steps: [10, 50, 100], soakMinutes: ${opts.weightSoakMinutes ?? 0}, approveEachStep: ${opts.approveEachStep ?? false} }`
      : "{ type: cnameSwap }";
  return parseConfig(`
environments:
  production:
    channel: C0PROD0001
    permissions:
      start: { users: [U0ALICE001, U0BOB00001] }
      approve: { users: [U0ALICE001, U0BOB00001] }
      rollback: { users: [U0ALICE001, U0BOB00001, U0CAROL001] }
    fourEyes: ${opts.fourEyes ?? false}
    ${opts.freeze ?? ""}
    clusters:
      - { name: production-20251101, context: old, ingress: { hostname: old-lb.test } }
      - { name: production-20261125, context: new }
    dns:
      hostedZone: example.com.
      records: [www.example.com]
      strategy: ${strategy}
      lowerTtl: { enabled: ${opts.lowerTtl ?? true}, ttlSeconds: 1 }
      drainMarginSeconds: 0
    checks:
      smoke: ${opts.smoke ? '[{ name: web, url: "http://{ingress}/healthz" }]' : "[]"}
      verify: ${opts.smoke ? '[{ name: public, url: "http://www.example.com/healthz" }]' : "[]"}
    decommissionSoakMinutes: ${opts.soakMinutes ?? 0}
`);
}
