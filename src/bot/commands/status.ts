// `/migrate status [env]`: read-only, so it is answered in the ack itself, from memory while no engine
// event said anything changed, else from one Redis read (every active migration and its progress in one
// script call; see viewCache.ts), with no claim, no follow-up work and no response_url call. A
// redelivery answers again, harmlessly.

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import type { RenderedMessage } from "../render/blocks.js";
import { statusMessage } from "../render/replies.js";

export async function statusReply(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "status" }>,
): Promise<RenderedMessage> {
  const all = await deps.activeViews();
  const views = cmd.env === undefined ? all : all.filter((v) => v.migration.env === cmd.env);
  const envs = Object.keys(deps.config.environments).sort();
  return statusMessage(views, envs, cmd.env, deps.now());
}

export async function statusCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "status" }>,
  req: Requester,
): Promise<void> {
  await req.reply(await statusReply(deps, cmd));
}
