// `/migrate approve <env>`: approves the gate the environment's migration waits at (same checks as the button).

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { linesMessage } from "../render/replies.js";
import { actOnActive } from "./onActive.js";

export async function approveCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "approve" }>,
  req: Requester,
): Promise<void> {
  await actOnActive(deps, req, {
    env: cmd.env,
    action: "approve",
    needsActive: true,
    call: (who) => deps.commands.approve({ env: cmd.env }, who),
    onOk: (after) => linesMessage([`:white_check_mark: Approved. \`${after.id}\` continues.`]),
  });
}
