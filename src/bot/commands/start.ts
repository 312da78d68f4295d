// `/migrate start <env> [to <cluster>]`

import { actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { ParsedCommand } from "../parse.js";
import { channelLink } from "../render/format.js";
import { linesMessage } from "../render/replies.js";

export async function startCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "start" }>,
  req: Requester,
): Promise<void> {
  if (!(await permitted(deps, req, cmd.env, "start"))) return;
  const result = await deps.commands.start(cmd.env, actor(req), cmd.target);
  const channel = deps.config.environments[cmd.env]!.channel;
  await settle(deps, req, result, (m) =>
    linesMessage([
      `:rocket: Started \`${m.id}\`: \`${m.source}\` → \`${m.target}\`.`,
      `Follow it (and roll back from there) in ${channelLink(channel)}.`,
    ]),
  );
}
