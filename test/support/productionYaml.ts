// Parts of the production environment's YAML that the test configs (testConfig, the bot harness, the k8s
// engine world) write alike, each at the indentation of a key of `production:`, to stand on a line of its
// own in a config template.

/** The production channel; alice and bob may start, approve and roll back, carol may roll back only. */
export const PRODUCTION_ACCESS_YAML = [
  "    channel: C0PROD0001",
  "    permissions:",
  "      start: { users: [U0ALICE001, U0BOB00001] }",
  "      approve: { users: [U0ALICE001, U0BOB00001] }",
  "      rollback: { users: [U0ALICE001, U0BOB00001, U0CAROL001] }",
].join("\n");

/**
 * DNS: www.example.com in example.com., no drain margin so a cutover does not wait. By default a CNAME
 * swap without lowering the TTL first.
 */
export function productionDnsYaml(opts: { strategy?: string; lowerTtl?: string } = {}): string {
  return [
    "    dns:",
    "      hostedZone: example.com.",
    "      records: [www.example.com]",
    `      strategy: ${opts.strategy ?? "{ type: cnameSwap }"}`,
    `      lowerTtl: ${opts.lowerTtl ?? "{ enabled: false }"}`,
    "      drainMarginSeconds: 0",
  ].join("\n");
}
