// The gate's Approve button (cutover, decommission). The value carries the step and the version the person
// saw; the engine refuses a stale or repeated click and says what the state is now.

import type { App } from "@slack/bolt";
import type { BotDeps } from "../context.js";
import { registerButton, seen } from "./common.js";
import { ACTION_APPROVE } from "./value.js";

export function registerApproveAction(app: App, deps: BotDeps): void {
  registerButton(app, deps, {
    actionId: ACTION_APPROVE,
    what: "Approve",
    permission: "approve",
    call: (m, value, who) => deps.commands.approve({ migrationId: m.id }, who, seen(value)),
  });
}
