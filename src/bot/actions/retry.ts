// The Retry button of a halted step (primary style, confirm dialog). The value carries the step and the
// version the person saw: the engine retries only the halt they saw, so a double press or a press on
// an older message is refused and told what the state is now.

import type { App } from "@slack/bolt";
import type { BotDeps } from "../context.js";
import { registerButton, seen } from "./common.js";
import { ACTION_RETRY } from "./value.js";

export function registerRetryAction(app: App, deps: BotDeps): void {
  registerButton(app, deps, {
    actionId: ACTION_RETRY,
    what: "Retry",
    permission: "retry",
    call: (m, value, who) => deps.commands.retry({ migrationId: m.id }, who, seen(value)),
  });
}
