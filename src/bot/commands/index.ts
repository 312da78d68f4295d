// The `/migrate` listener: ack first (with the answer itself when it needs no engine call: help and usage
// from memory, status from one Redis read), then, once the acks of other requests are out (ackGate.ts),
// claim the delivery across bot processes, run the subcommand and answer privately through the
// response_url. A redelivered request gets no second answer.

import type { App, RespondFn } from "@slack/bolt";
import type { BotDeps, Requester } from "../context.js";
import { errorText, internalFailure } from "../log.js";
import { type ParsedCommand, parseMigrateCommand } from "../parse.js";
import type { RenderedMessage } from "../render/blocks.js";
import { isChannelId, isUserId } from "../render/format.js";
import { errorMessage, failureMessage } from "../render/replies.js";
import { abortCommand } from "./abort.js";
import { approveCommand } from "./approve.js";
import { helpReply } from "./help.js";
import { historyCommand } from "./history.js";
import { planCommand } from "./plan.js";
import { retryCommand } from "./retry.js";
import { rollbackCommand } from "./rollback.js";
import { startCommand } from "./start.js";
import { statusCommand, statusReply } from "./status.js";

export const MIGRATE_COMMAND = "/migrate";

type EngineCommand = Exclude<ParsedCommand, { kind: "help" } | { kind: "error" }>;

export function ephemeral(msg: RenderedMessage) {
  return { response_type: "ephemeral" as const, replace_original: false, text: msg.text, blocks: msg.blocks };
}

export function requesterFor(
  deps: BotDeps,
  userId: string,
  channelId: string | undefined,
  respond: RespondFn,
): Requester {
  return {
    userId,
    ...(channelId ? { channelId } : {}),
    async reply(msg) {
      try {
        await deps.afterAcks(); // an answer through response_url is work after an ack, like any other
        await respond(ephemeral(msg));
      } catch (err) {
        deps.log.error({ userId, err: errorText(err) }, "could not answer through response_url");
      }
    },
  };
}

export async function runCommand(deps: BotDeps, cmd: EngineCommand, req: Requester): Promise<void> {
  switch (cmd.kind) {
    case "start":
      return startCommand(deps, cmd, req);
    case "plan":
      return planCommand(deps, cmd, req);
    case "status":
      return statusCommand(deps, cmd, req);
    case "approve":
      return approveCommand(deps, cmd, req);
    case "rollback":
      return rollbackCommand(deps, cmd, req);
    case "retry":
      return retryCommand(deps, cmd, req);
    case "abort":
      return abortCommand(deps, cmd, req);
    case "history":
      return historyCommand(deps, cmd, req);
  }
}

export function registerMigrateCommand(app: App, deps: BotDeps): void {
  app.command(MIGRATE_COMMAND, async ({ command, ack, respond }) => {
    // The HTTP front door checks these already; Socket Mode payloads arrive without it.
    if (!isUserId(command.user_id) || !isChannelId(command.channel_id)) {
      await ack();
      deps.log.warn(
        { command: MIGRATE_COMMAND },
        "a /migrate payload without well-formed user and channel ids",
      );
      return;
    }
    // Ack before anything that waits: the local repeat check is synchronous, the cross-process claim
    // (Redis) comes after the ack. Help and usage errors change nothing, so they need no claim.
    const key = `command:${command.trigger_id}`;
    if (!deps.recent.firstTimeHere(key)) {
      await ack();
      deps.log.info({ userId: command.user_id }, "repeated /migrate delivery ignored");
      return;
    }
    const parsed = parseMigrateCommand(command.text ?? "", deps.config);
    if (parsed.kind === "help") {
      await ack(ephemeral(helpReply(deps, parsed)));
      return;
    }
    if (parsed.kind === "error") {
      await ack(ephemeral(errorMessage(parsed.message, parsed.usage)));
      return;
    }
    if (parsed.kind === "status") {
      // Its reads are the answer: in the ack. When they fail, the failure goes the usual way below.
      const answer = await statusReply(deps, parsed).catch(() => undefined);
      if (answer) {
        await ack(ephemeral(answer));
        return;
      }
    }
    await ack();
    await deps.afterAck(() =>
      claimAndRun(deps, key, parsed, requesterFor(deps, command.user_id, command.channel_id, respond)),
    );
  });
}

/** The work behind a command's ack: claim the delivery across bot processes, run it, answer. */
async function claimAndRun(deps: BotDeps, key: string, parsed: EngineCommand, req: Requester): Promise<void> {
  if (!(await deps.recent.claim(key))) {
    deps.log.info({ userId: req.userId }, "repeated /migrate delivery ignored");
    return;
  }
  try {
    await deps.afterAcks();
    await runCommand(deps, parsed, req);
  } catch (err) {
    const failure = internalFailure(
      deps.log,
      err,
      { command: parsed.kind, userId: req.userId },
      "/migrate failed",
    );
    const status = `/migrate status${"env" in parsed && parsed.env ? ` ${parsed.env}` : ""}`;
    await req.reply(failureMessage(`\`/migrate ${parsed.kind}\``, failure, status));
  }
}
