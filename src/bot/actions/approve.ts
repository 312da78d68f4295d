// The gate's Approve button (cutover, decommission). The value carries the step and the version the person
// saw; the engine refuses a stale or repeated click and says what the state is now.

import type { App } from "@slack/bolt";
import { actor, type BotDeps, settle } from "../context.js";
import { permitted } from "../guard.js";
import { guarded, readClick } from "./common.js";
import { ACTION_APPROVE } from "./value.js";

export function registerApproveAction(app: App, deps: BotDeps): void {
  app.action({ type: "block_actions", action_id: ACTION_APPROVE }, async ({ ack, body, action, respond }) => {
    await ack();
    if (action.type !== "button") return;
    const click = await readClick(deps, body, action, respond);
    if (!click) return;
    const { req, value, view } = click;
    await guarded(deps, req, "Approve", async () => {
      const m = view.migration;
      if (!(await permitted(deps, req, m.env, "approve", m, value.stepId))) return;
      const result = await deps.commands.approve({ migrationId: m.id }, actor(req), {
        version: value.version,
        ...(value.stepId !== undefined ? { stepId: value.stepId } : {}),
      });
      await settle(deps, req, result);
    });
  });
}
