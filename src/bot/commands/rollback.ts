// `/migrate rollback <env> [reason]`: the same path as the Rollback button, without a version (acts on
// whatever state the migration is in now; the engine makes a second request a no-op).

import { activeIn, actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { ParsedCommand } from "../parse.js";
import { mention } from "../render/format.js";
import { linesMessage } from "../render/replies.js";

export async function rollbackCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "rollback" }>,
  req: Requester,
): Promise<void> {
  const current = await activeIn(deps, cmd.env);
  if (!(await permitted(deps, req, cmd.env, "rollback", current?.migration))) return;
  const reason = cmd.reason ?? `/migrate rollback by ${mention(req.userId)}`;
  const result = await deps.commands.rollback({ env: cmd.env }, actor(req), { reason });
  await settle(deps, req, result, (m) =>
    linesMessage([
      `:rewind: Rolling back \`${m.id}\`: completed steps are undone in reverse order. Progress shows in the live message.`,
    ]),
  );
}
