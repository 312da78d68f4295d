// The Retry button of a halted step (primary style, confirm dialog). The value carries the step and the
// version the person saw: the engine retries only the halt they saw, so a double press or a press on
// an older message is refused and told what the state is now.

import type { App } from "@slack/bolt";
import { actor, type BotDeps, settle } from "../context.js";
import { permitted } from "../guard.js";
import { guarded, readClick } from "./common.js";
import { ACTION_RETRY } from "./value.js";

export function registerRetryAction(app: App, deps: BotDeps): void {
  app.action({ type: "block_actions", action_id: ACTION_RETRY }, async ({ ack, body, action, respond }) => {
    await ack();
    if (action.type !== "button") return;
    const click = await readClick(deps, body, action, respond);
    if (!click) return;
    const { req, value, view } = click;
    await guarded(deps, req, "Retry", async () => {
      const m = view.migration;
      if (!(await permitted(deps, req, m.env, "retry", m))) return;
      const result = await deps.commands.retry({ migrationId: m.id }, actor(req), {
        version: value.version,
        ...(value.stepId !== undefined ? { stepId: value.stepId } : {}),
      });
      await settle(deps, req, result);
    });
  });
}
