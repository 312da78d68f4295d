// `/migrate retry <env>`: re-runs the step the environment's migration halted at (same checks as the
// Retry button, without a version: it retries whatever halt is current; a second one finds it running).

import type { BotDeps, Requester } from "../context.js";
import type { ParsedCommand } from "../parse.js";
import { escapeMrkdwn } from "../render/format.js";
import { linesMessage } from "../render/replies.js";
import { actOnActive } from "./onActive.js";

export async function retryCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "retry" }>,
  req: Requester,
): Promise<void> {
  await actOnActive(deps, req, {
    env: cmd.env,
    action: "retry",
    needsActive: true,
    call: (who) => deps.commands.retry({ env: cmd.env }, who),
    onOk: (m) => {
      const step = m.steps[m.cursor];
      return linesMessage([
        `:repeat: Retrying "${escapeMrkdwn(step?.title ?? "the halted step")}" of \`${m.id}\`. Progress shows in the live message.`,
      ]);
    },
  });
}
