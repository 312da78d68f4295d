import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EVENTS_PATH } from "../../src/bot/app.js";
import { MIGRATE_COMMAND } from "../../src/bot/commands/index.js";

describe("deploy/slack-app-manifest.yaml", () => {
  const manifest = parse(
    readFileSync(new URL("../../deploy/slack-app-manifest.yaml", import.meta.url), "utf8"),
  );
  it("declares the command, the scopes and the endpoints the bot serves", () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
      MIGRATE_COMMAND,
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual([
      "commands",
      "chat:write",
      "usergroups:read",
      "users:read",
    ]);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(EVENTS_PATH);
    expect(new URL(manifest.features.slash_commands[0].url).pathname).toBe(EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(typeof manifest.settings.socket_mode_enabled).toBe("boolean");
  });
});
