// `/migrate history <env>`

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { historyMessage } from "../render/replies.js";

export async function historyCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "history" }>,
  req: Requester,
): Promise<void> {
  const entries = await deps.commands.history(cmd.env, 10);
  await req.reply(historyMessage(cmd.env, entries));
}
