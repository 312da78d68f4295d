// `/migrate abort <env>`: only before anything changed (the engine says so otherwise and names rollback).

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { linesMessage } from "../render/replies.js";
import { actOnActive } from "./onActive.js";

export async function abortCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "abort" }>,
  req: Requester,
): Promise<void> {
  await actOnActive(deps, req, {
    env: cmd.env,
    action: "abort",
    needsActive: false,
    call: (who) => deps.commands.abort(cmd.env, who),
    onOk: (m) => linesMessage([`:black_square_for_stop: Aborted \`${m.id}\`; nothing had changed.`]),
  });
}
