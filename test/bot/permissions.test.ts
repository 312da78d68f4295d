import { describe, expect, it } from "vitest";
import { createRecentKeys } from "../../src/bot/dedupe.js";
import { authorize, createGroupDirectory, fourEyesViolation } from "../../src/bot/permissions.js";
import { botConfig, migrationAt, T0 } from "./fixtures.js";

const config = botConfig();

function directory(groups: Record<string, string[]>, now = () => 0) {
  const fetched: string[] = [];
  const dir = createGroupDirectory({
    fetch: async (g) => {
      fetched.push(g);
      const members = groups[g];
      if (!members) throw new Error("no_such_subteam");
      return members;
    },
    ttlMs: 60_000,
    now,
  });
  return { dir, fetched };
}

describe("authorize", () => {
  it("allows listed users and group members, per action and environment", async () => {
    const { dir } = directory({ S0PLATFORM: ["U0PLAT0001"] });
    expect(await authorize(config, "production", "start", "U0ALICE001", dir)).toEqual({
      allowed: true,
      via: "user",
    });
    expect(await authorize(config, "production", "approve", "U0PLAT0001", dir)).toEqual({
      allowed: true,
      via: "group",
      group: "S0PLATFORM",
    });
    expect(await authorize(config, "production", "rollback", "U0ONCALL01", dir)).toMatchObject({
      allowed: true,
    });
    const denied = await authorize(config, "production", "approve", "U0ALICE001", dir);
    expect(denied).toEqual({
      allowed: false,
      reason:
        "you are not allowed to approve gates in production. Allowed: <!subteam^S0PLATFORM>; ask one of them, or change environments.production.permissions.approve",
    });
    expect(await authorize(config, "staging", "start", "U0ALICE001", dir)).toMatchObject({ allowed: false });
  });

  it("denies everyone when nobody is configured, and says where to configure it", async () => {
    const cfg = botConfig();
    cfg.environments.staging!.permissions.rollback = { users: [], groups: [] };
    const { dir } = directory({});
    expect(await authorize(cfg, "staging", "rollback", "U0PLAT0001", dir)).toEqual({
      allowed: false,
      reason:
        "nobody may roll back in staging: add Slack users or groups under environments.staging.permissions.rollback in the config",
    });
  });

  it("caches group membership for the TTL and shares concurrent lookups", async () => {
    let t = 0;
    const { dir, fetched } = directory({ S0PLATFORM: ["U0PLAT0001"] }, () => t);
    await Promise.all([dir.members("S0PLATFORM"), dir.members("S0PLATFORM"), dir.members("S0PLATFORM")]);
    expect(fetched).toEqual(["S0PLATFORM"]);
    t = 59_999;
    await dir.members("S0PLATFORM");
    expect(fetched).toHaveLength(1);
    t = 60_000;
    await dir.members("S0PLATFORM");
    expect(fetched).toHaveLength(2);
  });

  it("treats an unreadable group as not a member, and says so", async () => {
    const { dir } = directory({});
    const d = await authorize(config, "production", "approve", "U0PLAT0001", dir);
    expect(d).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("could not be read from Slack"),
    });
  });
});

describe("fourEyesViolation", () => {
  const env = config.environments.production!;
  const atCutover = migrationAt(6, { state: "awaiting-approval", startedAt: T0, run: 1 });
  it("refuses the starter at the cutover gate only", () => {
    expect(fourEyesViolation(env, atCutover, "gate-cutover-6", "U0ALICE001")).toMatch(/four-eyes/);
    expect(fourEyesViolation(env, atCutover, undefined, "U0ALICE001")).toMatch(/four-eyes/);
    expect(fourEyesViolation(env, atCutover, "gate-cutover-6", "U0PLAT0001")).toBeUndefined();
    const atDecommission = migrationAt(10, { state: "awaiting-approval", startedAt: T0, run: 1 });
    expect(fourEyesViolation(env, atDecommission, "gate-decommission-10", "U0ALICE001")).toBeUndefined();
    expect(
      fourEyesViolation({ ...env, fourEyes: false }, atCutover, "gate-cutover-6", "U0ALICE001"),
    ).toBeUndefined();
  });
});

describe("createRecentKeys", () => {
  it("sees a key once within the window", async () => {
    let t = 0;
    const keys = createRecentKeys({ ttlMs: 1000, now: () => t });
    expect(await keys.firstTime("a")).toBe(true);
    expect(await keys.firstTime("a")).toBe(false);
    t = 1000;
    expect(await keys.firstTime("a")).toBe(true);
    expect(keys.size).toBe(1);
  });

  it("counts a key another process claimed as seen, and falls back to the local answer if the claim fails", async () => {
    const claimed = new Set<string>(["b"]);
    const shared = async (key: string) => {
      if (key === "boom") throw new Error("redis down");
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    };
    const keys = createRecentKeys({ shared });
    expect(await keys.firstTime("a")).toBe(true);
    expect(await keys.firstTime("b")).toBe(false);
    expect(await keys.firstTime("boom")).toBe(true);
    expect(await keys.firstTime("boom")).toBe(false);
  });
});
