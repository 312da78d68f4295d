// `/migrate retry <env>`: re-runs the step the environment's migration halted at (same checks as the
// Retry button, without a version: it retries whatever halt is current; a second one finds it running).

import { activeIn, actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { ParsedCommand } from "../parse.js";
import { escapeMrkdwn } from "../render/format.js";
import { linesMessage } from "../render/replies.js";

export async function retryCommand(
  deps: BotDeps,
  cmd: Extract<ParsedCommand, { kind: "retry" }>,
  req: Requester,
): Promise<void> {
  const current = await activeIn(deps, cmd.env);
  if (!current) {
    await req.reply(
      linesMessage([
        `:information_source: No migration is running in *${cmd.env}*, so there is nothing to retry.`,
      ]),
    );
    return;
  }
  if (!(await permitted(deps, req, cmd.env, "retry", current.migration))) return;
  const result = await deps.commands.retry({ env: cmd.env }, actor(req));
  await settle(deps, req, result, (m) => {
    const step = m.steps[m.cursor];
    return linesMessage([
      `:repeat: Retrying "${escapeMrkdwn(step?.title ?? "the halted step")}" of \`${m.id}\`. Progress shows in the live message.`,
    ]);
  });
}
