// Everything the console page shows, in one JSON document: the channel, the world panel, the invariant
// light, the faults, and where the newest migration is. Sent whole on every change (it is small).
import { FAULT_LABELS, FAULTS, type FaultBoard, type FaultState } from "../faults.js";
import type { InvariantWatch } from "../invariants.js";
import type { SandboxWorld } from "../world.js";
import { homeFingerprint, type Side, trafficShare, viewWorld, type WorldView } from "../worldView.js";
import { type AckReply, type ChannelFeed, channelFeed } from "./channelFeed.js";

export interface ConsoleState {
  feed: ChannelFeed;
  world: WorldView & {
    traffic: Record<string, Record<Side, number>>;
    backAtStart: boolean;
  };
  invariant: { ok: boolean; violations: string[]; count: number };
  faults: FaultState & { catalogue: Array<{ name: string; label: string }> };
  migration: { id: string; status: string } | null;
}

export async function consoleState(
  world: SandboxWorld,
  extras: { acks: readonly AckReply[]; faults: FaultBoard; invariants: InvariantWatch; home: string },
): Promise<ConsoleState> {
  const view = viewWorld(world);
  const { commands, store } = world.app.engine;
  let migration: ConsoleState["migration"] = null;
  try {
    const [active] = await commands.active("production");
    const id = active?.migration.id ?? (await commands.history("production", 1))[0]?.id;
    const m = id ? await store.get(id) : undefined;
    if (m) migration = { id: m.id, status: m.status };
  } catch {
    // Redis restarting: show the rest of the world anyway.
  }
  return {
    feed: channelFeed(world.slack, extras.acks),
    world: { ...view, traffic: trafficShare(view), backAtStart: homeFingerprint(view) === extras.home },
    // The first few say what broke; the count says how often since.
    invariant: {
      ok: extras.invariants.violations.length === 0,
      violations: extras.invariants.violations.slice(0, 5),
      count: extras.invariants.violations.length,
    },
    faults: {
      ...extras.faults.state(),
      catalogue: FAULTS.map((name) => ({ name, label: FAULT_LABELS[name] })),
    },
    migration,
  };
}
