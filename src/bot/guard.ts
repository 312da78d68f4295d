// The permission check every effect-bearing listener runs first. A refusal is explained to the person
// (ephemeral), changes nothing, and is written to the migration's audit trail.

import type { Migration } from "../migration/types.js";
import { actor, type BotDeps, type Requester } from "./context.js";
import { errorText } from "./log.js";
import { authorize, fourEyesViolation, type PermissionAction } from "./permissions.js";
import { linesMessage } from "./render/replies.js";

export async function permitted(
  deps: BotDeps,
  req: Requester,
  envName: string,
  action: PermissionAction,
  migration?: Migration,
  stepId?: string,
): Promise<boolean> {
  const decision = await authorize(deps.config, envName, action, req.userId, deps.groups);
  let reason = decision.allowed ? undefined : decision.reason;
  const env = deps.config.environments[envName];
  if (reason === undefined && action === "approve" && migration && env) {
    reason = fourEyesViolation(env, migration, stepId, req.userId);
  }
  if (reason === undefined) return true;
  deps.log.warn({ userId: req.userId, env: envName, action, migrationId: migration?.id }, "refused");
  try {
    if (migration) {
      await deps.commands.auditDenied(migration.id, actor(req), action, reason);
      deps.live.notify(migration.id);
    } else {
      // No migration to attach it to (an unauthorised start): the environment's own audit stream.
      await deps.commands.auditDeniedEnv(envName, actor(req), action, reason);
    }
  } catch (err) {
    deps.log.error({ migrationId: migration?.id, err: errorText(err) }, "could not audit a refusal");
  }
  await req.reply(linesMessage([`:no_entry_sign: ${reason}`]));
  return false;
}
