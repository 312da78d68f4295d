// `/migrate approve <env>`: approves the gate the environment's migration waits at (same checks as the button).

import { activeIn, actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { ParsedCommand } from "../parse.js";
import { linesMessage } from "../render/replies.js";

export async function approveCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "approve" }>,
  req: Requester,
): Promise<void> {
  const current = await activeIn(deps, cmd.env);
  if (!current) {
    await req.reply(
      linesMessage([
        `:information_source: No migration is running in *${cmd.env}*, so there is nothing to approve.`,
      ]),
    );
    return;
  }
  const m = current.migration;
  if (!(await permitted(deps, req, cmd.env, "approve", m))) return;
  const result = await deps.commands.approve({ env: cmd.env }, actor(req));
  await settle(deps, req, result, (after) =>
    linesMessage([`:white_check_mark: Approved. \`${after.id}\` continues.`]),
  );
}
