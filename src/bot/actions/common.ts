// Shared by the button listeners: ack at once (before any Redis, Kubernetes or Route 53 work: a click's
// ack carries no answer), then, each step once the acks of other requests are out (ackGate.ts): drop
// redeliveries, decode the value, load the migration, refuse a click that did not come from the
// environment's own channel, check the person may, hand off to the engine and settle.

import type { App, BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { Actor, CommandResult, MigrationView } from "../../migration/commands.js";
import type { Migration } from "../../migration/types.js";
import { requesterFor } from "../commands/index.js";
import { actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import { internalFailure } from "../log.js";
import type { PermissionAction } from "../permissions.js";
import { channelLink, isChannelId, isUserId } from "../render/format.js";
import { failureMessage, linesMessage } from "../render/replies.js";
import { type ButtonValue, decodeButtonValue } from "./value.js";

export interface Click {
  req: Requester;
  value: ButtonValue;
  view: MigrationView;
}

/**
 * A migration's buttons work only in its environment's channel (the config's `channel`): the same
 * message shared, forwarded or forged into another channel, whose members may differ, is refused.
 */
export function channelRefusal(
  deps: BotDeps,
  view: MigrationView,
  from: string | undefined,
): string | undefined {
  const m = view.migration;
  const home = deps.config.environments[m.env]?.channel;
  if (home === undefined) {
    return `\`${m.id}\` belongs to environment ${m.env}, which is no longer configured; nothing was done.`;
  }
  if (from === home) return undefined;
  const where = from !== undefined ? ` from ${channelLink(from)}` : "";
  return `This button belongs to the live message of \`${m.id}\` in ${channelLink(home)}; a click${where} is refused and nothing was done. Use the message in ${channelLink(home)}.`;
}

/** After ack: undefined when the click is a redelivery or cannot be acted on (the person was told). */
export async function readClick(
  deps: BotDeps,
  body: BlockAction,
  action: ButtonAction,
  respond: RespondFn,
): Promise<Click | undefined> {
  // The HTTP front door checks these already; Socket Mode payloads arrive without it.
  if (!isUserId(body.user?.id) || !isChannelId(body.channel?.id)) {
    deps.log.warn({ actionId: action.action_id }, "a click without well-formed user and channel ids");
    return undefined;
  }
  const key = `action:${body.trigger_id ?? ""}:${action.action_ts}:${body.user.id}`;
  if (!(await deps.recent.firstTime(key))) {
    deps.log.info({ userId: body.user.id, actionId: action.action_id }, "repeated click delivery ignored");
    return undefined;
  }
  const from = body.channel?.id;
  const req = requesterFor(deps, body.user.id, from, respond);
  const value = decodeButtonValue(action.value);
  if (!value) {
    deps.log.warn({ userId: body.user.id, actionId: action.action_id }, "a button value that is not ours");
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
    const failure = internalFailure(
      deps.log,
      err,
      { migrationId: value.migrationId, userId: body.user.id },
      "could not load migration for a click",
    );
    await req.reply(failureMessage("The click", failure, "/migrate status"));
    return undefined;
  }
  if (!view) {
    await req.reply(
      linesMessage([`:warning: Migration \`${value.migrationId}\` no longer exists; nothing was done.`]),
    );
    return undefined;
  }
  const refused = channelRefusal(deps, view, from);
  if (refused !== undefined) {
    deps.log.warn(
      { userId: body.user.id, migrationId: view.migration.id, channel: from, actionId: action.action_id },
      "refused a click from outside the environment's channel",
    );
    await req.reply(linesMessage([`:no_entry_sign: ${refused}`]));
    return undefined;
  }
  return { req, value, view };
}

export async function guarded(
  deps: BotDeps,
  req: Requester,
  what: string,
  fn: () => Promise<void>,
  migrationId?: string,
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const failure = internalFailure(
      deps.log,
      err,
      { action: what, userId: req.userId, migrationId },
      "click failed",
    );
    await req.reply(failureMessage(what, failure, "/migrate status"));
  }
}

/** The version (and the step, when the button has one) the person saw: the engine refuses a stale click. */
export function seen(value: ButtonValue): { version: number; stepId?: string } {
  return { version: value.version, ...(value.stepId !== undefined ? { stepId: value.stepId } : {}) };
}

/** What a button listener owns: its action id, its name in failures, its permission and its engine call. */
export interface Button {
  actionId: string;
  what: string;
  permission: PermissionAction;
  call: (m: Migration, value: ButtonValue, who: Actor, req: Requester) => Promise<CommandResult<Migration>>;
}

export function registerButton(app: App, deps: BotDeps, button: Button): void {
  app.action(
    { type: "block_actions", action_id: button.actionId },
    async ({ ack, body, action, respond }) => {
      await ack();
      if (action.type !== "button") return;
      await deps.afterAck(() => clicked(deps, button, body, action, respond));
    },
  );
}

/**
 * The work behind a click's ack. It starts, calls the engine and answers once the acks waiting to go out
 * are out (each such wait is a turn of the event loop, so the cheap steps between them do not wait).
 */
async function clicked(
  deps: BotDeps,
  button: Button,
  body: BlockAction,
  action: ButtonAction,
  respond: RespondFn,
): Promise<void> {
  const click = await readClick(deps, body, action, respond);
  if (!click) return;
  const { req, value, view } = click;
  await guarded(deps, req, button.what, async () => {
    const m = view.migration;
    // The step matters to the four-eyes check of an approval only; other actions ignore it.
    const stepId = button.permission === "approve" ? value.stepId : undefined;
    if (!(await permitted(deps, req, m.env, button.permission, m, stepId))) return;
    await deps.afterAcks();
    const result = await button.call(m, value, actor(req), req);
    await settle(deps, req, result);
  });
}
