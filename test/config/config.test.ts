import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseConfig } from "../../src/config/load.js";

describe("config as code", () => {
  it("loads the shipped example with its defaults filled in", () => {
    const cfg = loadConfigFile("deploy/hikkoshi.example.yaml");
    const prod = cfg.environments.production!;
    expect(prod.clusters.map((c) => c.name)).toEqual(["production-20251101", "production-20261125"]);
    expect(prod.dns.strategy).toEqual({
      type: "weighted",
      steps: [10, 50, 100],
      soakMinutes: 10,
      approveEachStep: false,
    });
    expect(prod.duplicationForbiddenLabel).toBe("hikkoshi.dev/duplication=forbidden");
    expect(cfg.environments.staging!.dns.strategy).toEqual({ type: "cnameSwap" });
    expect(cfg.environments.staging!.handoff.concurrency).toBe(16);
  });

  it("reports every mistake with its path", () => {
    const broken = readFileSync("deploy/hikkoshi.example.yaml", "utf8")
      .replace("context: prod-20261125", "contxt: prod-20261125")
      .replace("channel: C0PRODMIGR", "channel: prod-migrations")
      .replace("steps: [10, 50, 100]", "steps: [50, 10]")
      .replace("timeZone: Europe/Berlin", "timeZone: Mars/Olympus");
    let error: unknown;
    try {
      parseConfig(broken, "broken.yaml");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        "environments.production.clusters[1].context: required",
        'environments.production.clusters[1]: unknown field "contxt"',
        "environments.production.channel: must be a Slack channel id like C012ABCDEF",
        "environments.production.dns.strategy.steps: must be strictly increasing",
        'environments.production.freezeWindows[0].timeZone: unknown IANA time zone "Mars/Olympus"',
      ]),
    );
    expect((error as Error).message).toContain("invalid config broken.yaml");
  });

  it("names a missing file and the variable that points at it", () => {
    expect(() => loadConfigFile("/nonexistent/hikkoshi.yaml")).toThrow(/HIKKOSHI_CONFIG/);
  });

  it("reports YAML syntax errors", () => {
    expect(() => parseConfig("environments: [unclosed", "x.yaml")).toThrow(/YAML syntax/);
  });

  it("rejects duplicate cluster names and single-cluster environments", () => {
    const text = `
environments:
  staging:
    channel: C0STAGING1
    permissions: {}
    clusters:
      - { name: staging-20250101, context: a }
      - { name: staging-20250101, context: b }
    dns: { hostedZone: example.com., records: [s.example.com] }
  dev:
    channel: C0DEV00001
    permissions: {}
    clusters: [{ name: dev-20250101, context: a }]
    dns: { hostedZone: example.com., records: [d.example.com] }
`;
    try {
      parseConfig(text);
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(
        expect.arrayContaining([
          'environments.staging.clusters[1].name: duplicate cluster name "staging-20250101"',
          "environments.dev.clusters: an environment needs at least two clusters (old and new)",
        ]),
      );
    }
  });
});
