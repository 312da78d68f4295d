// Who may start, approve and roll back, per environment: Slack user ids and user groups. Group membership
// comes from `usergroups.users.list`, cached briefly. Nobody is allowed by default: an empty list in the
// config means "no one", never "everyone".

import type { EnvironmentConfig, HikkoshiConfig, Principals } from "../config/schema.js";
import { approvalKindOf, fourEyesRefusal } from "../migration/transitions/fourEyes.js";
import type { Migration } from "../migration/types.js";

export type PermissionAction = "start" | "approve" | "rollback" | "abort" | "retry";

export type Decision =
  | { allowed: true; via: "user" | "group"; group?: string }
  | { allowed: false; reason: string };

/** Members of a Slack user group; throws when Slack cannot say. */
export type GroupMembersFn = (groupId: string) => Promise<readonly string[]>;

export interface GroupDirectory {
  /** Undefined when membership could not be read (Slack error): treat as "not a member". */
  members(groupId: string): Promise<ReadonlySet<string> | undefined>;
  clear(): void;
}

export function createGroupDirectory(opts: {
  fetch: GroupMembersFn;
  ttlMs?: number;
  now?: () => number;
  onError?: (groupId: string, err: unknown) => void;
}): GroupDirectory {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; members: ReadonlySet<string> }>();
  const inflight = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  return {
    members(groupId) {
      const hit = cache.get(groupId);
      if (hit && now() - hit.at < ttl) return Promise.resolve(hit.members);
      const pending = inflight.get(groupId);
      if (pending) return pending;
      const p = (async () => {
        try {
          const members = new Set(await opts.fetch(groupId));
          cache.set(groupId, { at: now(), members });
          return members;
        } catch (err) {
          opts.onError?.(groupId, err);
          return undefined;
        } finally {
          inflight.delete(groupId);
        }
      })();
      inflight.set(groupId, p);
      return p;
    },
    clear() {
      cache.clear();
    },
  };
}

/**
 * Which principals an action needs. Abort is for those who could have started the migration. Retry of a
 * halted step is forward progress the plan already had (it neither passes a gate nor undoes anything), so
 * it is for whoever could have started the migration or may approve its gates: the people who drive it
 * forward; rollback alone (an on-call undo right) does not grant it.
 */
export function principalsFor(env: EnvironmentConfig, action: PermissionAction): Principals {
  switch (action) {
    case "start":
    case "abort":
      return env.permissions.start;
    case "approve":
      return env.permissions.approve;
    case "rollback":
      return env.permissions.rollback;
    case "retry": {
      const { start, approve } = env.permissions;
      return {
        users: [...new Set([...start.users, ...approve.users])],
        groups: [...new Set([...start.groups, ...approve.groups])],
      };
    }
  }
}

/** The config key(s) that grant an action, for the fix in a refusal. */
function configKeys(envName: string, action: PermissionAction): string {
  const at = `environments.${envName}.permissions`;
  switch (action) {
    case "start":
    case "abort":
      return `${at}.start`;
    case "approve":
    case "rollback":
      return `${at}.${action}`;
    case "retry":
      return `${at}.start or ${at}.approve`;
  }
}

const VERB: Record<PermissionAction, string> = {
  start: "start migrations",
  approve: "approve gates",
  rollback: "roll back",
  abort: "abort migrations",
  retry: "retry halted steps",
};

export function describePrincipals(p: Principals): string {
  const who = [...p.users.map((u) => `<@${u}>`), ...p.groups.map((g) => `<!subteam^${g}>`)];
  return who.join(", ");
}

export async function authorize(
  config: HikkoshiConfig,
  envName: string,
  action: PermissionAction,
  userId: string,
  groups: GroupDirectory,
): Promise<Decision> {
  const env = config.environments[envName];
  if (!env) return { allowed: false, reason: `unknown environment "${envName}"` };
  const p = principalsFor(env, action);
  if (p.users.includes(userId)) return { allowed: true, via: "user" };
  let unreadable = false;
  for (const g of p.groups) {
    const members = await groups.members(g);
    if (members === undefined) unreadable = true;
    else if (members.has(userId)) return { allowed: true, via: "group", group: g };
  }
  const key = configKeys(envName, action);
  if (p.users.length === 0 && p.groups.length === 0) {
    return {
      allowed: false,
      reason: `nobody may ${VERB[action]} in ${envName}: add Slack users or groups under ${key} in the config`,
    };
  }
  const note = unreadable
    ? " (some group memberships could not be read from Slack just now; try again in a minute)"
    : "";
  return {
    allowed: false,
    reason: `you are not allowed to ${VERB[action]} in ${envName}${note}. Allowed: ${describePrincipals(p)}; ask one of them, or change ${key}`,
  };
}

/**
 * Four-eyes, asked early so the person gets the answer at once (the engine enforces the same rule, from
 * the same function, src/migration/transitions/fourEyes.ts).
 */
export function fourEyesViolation(
  env: EnvironmentConfig,
  m: Migration,
  stepId: string | undefined,
  userId: string,
): string | undefined {
  const step = stepId !== undefined ? m.steps.find((s) => s.id === stepId) : m.steps[m.cursor];
  const kind = step ? approvalKindOf(step) : undefined;
  if (!kind || !fourEyesRefusal(m, kind, userId, env.fourEyes)) return undefined;
  const what = kind === "gate-cutover" ? "the cutover" : "each traffic step";
  return `four-eyes rule in ${m.env}: you started ${m.id}, so someone else must approve ${what}`;
}
