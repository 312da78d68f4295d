// What every listener gets: the config, the engine, permissions, the live messages, and a way to answer
// the person privately. Listeners are short: ack, check, hand off to the engine, reply.

import type { HikkoshiConfig } from "../config/schema.js";
import type { Actor, CommandResult, MigrationCommands, MigrationView } from "../migration/commands.js";
import type { RecentKeys } from "./dedupe.js";
import type { LiveMessages } from "./live/index.js";
import type { Logger } from "./log.js";
import type { GroupDirectory } from "./permissions.js";
import type { RenderedMessage } from "./render/blocks.js";
import { rejectionMessage } from "./render/replies.js";

export interface BotDeps {
  config: HikkoshiConfig;
  commands: MigrationCommands;
  groups: GroupDirectory;
  live: LiveMessages;
  recent: RecentKeys;
  log: Logger;
  now: () => number;
  /** Every active migration, oldest first: from memory while nothing changed, else one Redis read. */
  activeViews: () => Promise<readonly MigrationView[]>;
  /**
   * Await after an ack before each step of the work behind it: resolves once no received request waits
   * for its ack (see ackGate.ts), so earlier requests' work never holds later acks back.
   */
  afterAcks: () => Promise<void>;
  /** Runs the work behind an ack in the gate's lane (a few at a time; never nested). */
  afterAck: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Who asked, and how to answer them (ephemeral, through the request's response_url). */
export interface Requester {
  userId: string;
  channelId?: string;
  reply(message: RenderedMessage): Promise<void>;
}

export function actor(req: Requester): Actor {
  return { userId: req.userId };
}

/** The non-terminal migration of an environment (there is at most one). */
export async function activeIn(deps: BotDeps, env: string): Promise<MigrationView | undefined> {
  const views = await deps.commands.active(env);
  return views.find((v) => v.migration.env === env);
}

/** Reply with a rejection, or notify the live message of a success. True when it succeeded. */
export async function settle<T extends { id: string }>(
  deps: BotDeps,
  req: Requester,
  result: CommandResult<T>,
  onOk?: (value: T) => RenderedMessage | undefined,
): Promise<boolean> {
  if (!result.ok) {
    if (result.rejection.current) deps.live.notify(result.rejection.current.id);
    await req.reply(rejectionMessage(result.rejection));
    return false;
  }
  deps.live.notify(result.value.id);
  const msg = onOk?.(result.value);
  if (msg) await req.reply(msg);
  return true;
}
