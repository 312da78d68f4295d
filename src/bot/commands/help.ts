// `/migrate help [command]` (and `/migrate` alone).

import type { BotDeps } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import type { RenderedMessage } from "../render/blocks.js";
import { helpMessage } from "../render/replies.js";

export function helpReply(deps: BotDeps, cmd: Extract<ParsedCommand, { kind: "help" }>): RenderedMessage {
  return helpMessage(Object.keys(deps.config.environments).sort(), cmd.topic);
}
