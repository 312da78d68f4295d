// The shape shared by the commands that act on an environment's running migration (approve, retry,
// abort, rollback): find it, check the person may, hand off to the engine, reply.

import type { Actor, CommandResult } from "../../migration/commands.js";
import type { Migration } from "../../migration/types.js";
import { activeIn, actor, type BotDeps, type Requester, settle } from "../context.js";
import { permitted } from "../guard.js";
import type { PermissionAction } from "../permissions.js";
import type { RenderedMessage } from "../render/blocks.js";
import { linesMessage } from "../render/replies.js";

export interface OnActive {
  env: string;
  action: PermissionAction;
  /** Say "nothing to <action>" when no migration runs; otherwise the permission check and the engine answer. */
  needsActive: boolean;
  call: (who: Actor) => Promise<CommandResult<Migration>>;
  onOk: (m: Migration) => RenderedMessage;
}

export async function actOnActive(deps: BotDeps, req: Requester, spec: OnActive): Promise<void> {
  const current = await activeIn(deps, spec.env);
  if (!current && spec.needsActive) {
    await req.reply(
      linesMessage([
        `:information_source: No migration is running in *${spec.env}*, so there is nothing to ${spec.action}.`,
      ]),
    );
    return;
  }
  if (!(await permitted(deps, req, spec.env, spec.action, current?.migration))) return;
  const result = await spec.call(actor(req));
  await settle(deps, req, result, spec.onOk);
}
