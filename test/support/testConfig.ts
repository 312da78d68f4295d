import { parseConfig } from "../../src/config/load.js";
import type { HikkoshiConfig } from "../../src/config/schema.js";
import { PRODUCTION_ACCESS_YAML, productionDnsYaml } from "./productionYaml.js";

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
${PRODUCTION_ACCESS_YAML}
    fourEyes: ${opts.fourEyes ?? false}
    ${opts.freeze ?? ""}
    clusters:
      - { name: production-20251101, context: old, ingress: { hostname: old-lb.test } }
      - { name: production-20261125, context: new }
${productionDnsYaml({ strategy, lowerTtl: `{ enabled: ${opts.lowerTtl ?? true}, ttlSeconds: 1 }` })}
    checks:
      smoke: ${opts.smoke ? '[{ name: web, url: "http://{ingress}/healthz" }]' : "[]"}
      verify: ${opts.smoke ? '[{ name: public, url: "http://www.example.com/healthz" }]' : "[]"}
    decommissionSoakMinutes: ${opts.soakMinutes ?? 0}
`);
}
