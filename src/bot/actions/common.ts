// Shared by the button listeners: ack at once, drop redeliveries, decode the value, load the migration.

import type { BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { MigrationView } from "../../migration/commands.js";
import { requesterFor } from "../commands/index.js";
import type { BotDeps, Requester } from "../context.js";
import { errorText } from "../log.js";
import { linesMessage } from "../render/replies.js";
import { type ButtonValue, decodeButtonValue } from "./value.js";

export interface Click {
  req: Requester;
  value: ButtonValue;
  view: MigrationView;
}

/** After ack: undefined when the click is a redelivery or cannot be acted on (the person was told). */
export async function readClick(
  deps: BotDeps,
  body: BlockAction,
  action: ButtonAction,
  respond: RespondFn,
): Promise<Click | undefined> {
  const key = `action:${body.trigger_id ?? ""}:${action.action_ts}:${body.user.id}`;
  if (!(await deps.recent.firstTime(key))) {
    deps.log.info({ userId: body.user.id, actionId: action.action_id }, "repeated click delivery ignored");
    return undefined;
  }
  const req = requesterFor(deps, body.user.id, body.channel?.id, respond);
  const value = decodeButtonValue(action.value);
  if (!value) {
    await req.reply(
      linesMessage([
        ":warning: This button does not carry a migration I can read (an old message?). Use `/migrate status`.",
      ]),
    );
    return undefined;
  }
  let view: MigrationView | undefined;
  try {
    view = await deps.commands.get(value.migrationId);
  } catch (err) {
    deps.log.error(
      { migrationId: value.migrationId, err: errorText(err) },
      "could not load migration for a click",
    );
    await req.reply(
      linesMessage([
        `:boom: Could not read \`${value.migrationId}\` (${errorText(err)}); nothing was done. Try again.`,
      ]),
    );
    return undefined;
  }
  if (!view) {
    await req.reply(
      linesMessage([`:warning: Migration \`${value.migrationId}\` no longer exists; nothing was done.`]),
    );
    return undefined;
  }
  return { req, value, view };
}

export async function guarded(
  deps: BotDeps,
  req: Requester,
  what: string,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.error({ action: what, err: errorText(err) }, "click failed");
    await req.reply(
      linesMessage([
        `:boom: ${what} failed: ${errorText(err)}. Check \`/migrate status\` before trying again.`,
      ]),
    );
  }
}
