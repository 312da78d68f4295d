// The Rollback button (danger style, confirm dialog). Safe without the dialog too: a double press or a
// press on two devices gives one rollback, because the engine's compare-and-set lets one request win.

import type { App } from "@slack/bolt";
import type { BotDeps } from "../context.js";
import { mention } from "../render/format.js";
import { registerButton } from "./common.js";
import { ACTION_ROLLBACK } from "./value.js";

export function registerRollbackAction(app: App, deps: BotDeps): void {
  registerButton(app, deps, {
    actionId: ACTION_ROLLBACK,
    what: "Rollback",
    permission: "rollback",
    call: (m, value, who, req) =>
      deps.commands.rollback({ migrationId: m.id }, who, {
        version: value.version,
        reason: `Rollback button pressed by ${mention(req.userId)}`,
      }),
  });
}
