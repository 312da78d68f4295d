import { describe, expect, it } from "vitest";
import { readSettings, SettingsError } from "../../src/app/settings.js";

describe("settings from the environment", () => {
  it("lists every problem with what to do", () => {
    try {
      readSettings({ SLACK_BOT_TOKEN: "xoxp-user-token", PORT: "99999" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as SettingsError).problems).toEqual(
        expect.arrayContaining([
          "HIKKOSHI_CONFIG: required; set it to the path of your config file (see deploy/hikkoshi.example.yaml)",
          "SLACK_BOT_TOKEN: must be a bot token (xoxb-...)",
          "SLACK_SIGNING_SECRET: required for the HTTP receiver (or set SLACK_APP_TOKEN for Socket Mode)",
        ]),
      );
      expect((err as SettingsError).problems.some((p) => p.startsWith("PORT:"))).toBe(true);
    }
  });

  it("needs no Slack settings for the worker role, and fills defaults", () => {
    const s = readSettings({ HIKKOSHI_CONFIG: "x.yaml", HIKKOSHI_ROLE: "worker" });
    expect(s).toMatchObject({ HIKKOSHI_ROLE: "worker", REDIS_URL: "redis://127.0.0.1:6379", PORT: 3000 });
  });

  it("accepts Socket Mode without a signing secret", () => {
    const s = readSettings({
      HIKKOSHI_CONFIG: "x.yaml",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_APP_TOKEN: "xapp-1",
    });
    expect(s.SLACK_APP_TOKEN).toBe("xapp-1");
  });
});
