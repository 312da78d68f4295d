// `/migrate rollback <env> [reason]`: the same path as the Rollback button, without a version (acts on
// whatever state the migration is in now; the engine makes a second request a no-op).

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { mention } from "../render/format.js";
import { linesMessage } from "../render/replies.js";
import { actOnActive } from "./onActive.js";

export async function rollbackCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "rollback" }>,
  req: Requester,
): Promise<void> {
  const reason = cmd.reason ?? `/migrate rollback by ${mention(req.userId)}`;
  await actOnActive(deps, req, {
    env: cmd.env,
    action: "rollback",
    needsActive: false,
    call: (who) => deps.commands.rollback({ env: cmd.env }, who, { reason }),
    onOk: (m) =>
      linesMessage([
        `:rewind: Rolling back \`${m.id}\`: completed steps are undone in reverse order. Progress shows in the live message.`,
      ]),
  });
}
