// `/migrate plan <env> [to <cluster>]`: the dry run. Reads only; anyone may ask.

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { planMessage } from "../render/plan.js";
import { rejectionMessage } from "../render/replies.js";

export async function planCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "plan" }>,
  req: Requester,
): Promise<void> {
  const result = await deps.commands.preview(cmd.env, cmd.target);
  await req.reply(result.ok ? planMessage(result.value) : rejectionMessage(result.rejection));
}
