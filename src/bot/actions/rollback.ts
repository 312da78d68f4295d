// The Rollback button (danger style, confirm dialog). Safe without the dialog too: a double press or a
// press on two devices gives one rollback, because the engine's compare-and-set lets one request win.

import type { App } from "@slack/bolt";
import { actor, type BotDeps, settle } from "../context.js";
import { permitted } from "../guard.js";
import { mention } from "../render/format.js";
import { guarded, readClick } from "./common.js";
import { ACTION_ROLLBACK } from "./value.js";

export function registerRollbackAction(app: App, deps: BotDeps): void {
  app.action(
    { type: "block_actions", action_id: ACTION_ROLLBACK },
    async ({ ack, body, action, respond }) => {
      await ack();
      if (action.type !== "button") return;
      const click = await readClick(deps, body, action, respond);
      if (!click) return;
      const { req, value, view } = click;
      await guarded(deps, req, "Rollback", async () => {
        const m = view.migration;
        if (!(await permitted(deps, req, m.env, "rollback", m))) return;
        const result = await deps.commands.rollback({ migrationId: m.id }, actor(req), {
          version: value.version,
          reason: `Rollback button pressed by ${mention(req.userId)}`,
        });
        await settle(deps, req, result);
      });
    },
  );
}
