// `/migrate status [env]`

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { statusMessage } from "../render/replies.js";

export async function statusCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "status" }>,
  req: Requester,
): Promise<void> {
  const views = await deps.commands.active(cmd.env);
  const envs = Object.keys(deps.config.environments).sort();
  await req.reply(statusMessage(views, envs, cmd.env, deps.now()));
}
