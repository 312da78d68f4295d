// `/migrate abort <env>`: only before anything changed (the engine says so otherwise and names rollback).

import { activeIn, actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { ParsedCommand } from "../parse.js";
import { linesMessage } from "../render/replies.js";

export async function abortCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "abort" }>,
  req: Requester,
): Promise<void> {
  const current = await activeIn(deps, cmd.env);
  if (!(await permitted(deps, req, cmd.env, "abort", current?.migration))) return;
  const result = await deps.commands.abort(cmd.env, actor(req));
  await settle(deps, req, result, (m) =>
    linesMessage([`:black_square_for_stop: Aborted \`${m.id}\`; nothing had changed.`]),
  );
}
