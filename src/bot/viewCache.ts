// What `/migrate status` answers from: the active migrations as last read, kept while nothing changed,
// or one Redis read (shared by the requests of one turn, see sharedRead.ts). Every commit, progress
// note and audit entry publishes an engine event, and the bot receives every event: an event drops what
// is kept. A read that was in flight when an event came is not kept (it may predate the change). The
// subscription can lose events while its connection is down, so nothing is kept longer than `ttlMs`.

import type { MigrationView } from "../migration/commands.js";
import { sharedRead } from "./sharedRead.js";

export interface ViewCache {
  /** The active migrations, from memory when nothing changed since they were read, else one read. */
  read(): Promise<readonly MigrationView[]>;
  /** An engine event arrived: what is kept may be older than the record. */
  changed(): void;
  /** Whether engine events are being received; without them nothing is kept. */
  watching(on: boolean): void;
}

/** A safety net for events lost while the subscription reconnects, not the freshness rule. */
export const DEFAULT_VIEW_TTL_MS = 1000;

export function createViewCache(
  read: () => Promise<MigrationView[]>,
  opts: { ttlMs?: number; now?: () => number } = {},
): ViewCache {
  const ttl = opts.ttlMs ?? DEFAULT_VIEW_TTL_MS;
  const now = opts.now ?? (() => performance.now());
  let on = false;
  let generation = 0;
  let kept: { views: readonly MigrationView[]; at: number; generation: number } | undefined;
  const fresh = sharedRead(async () => {
    const issued = { generation, at: now() };
    const views = Object.freeze(await read());
    if (on && issued.generation === generation) kept = { views, ...issued };
    return views;
  });
  return {
    read() {
      if (on && kept && kept.generation === generation && now() - kept.at < ttl) {
        return Promise.resolve(kept.views);
      }
      return fresh();
    },
    changed() {
      generation += 1;
      kept = undefined;
    },
    watching(value) {
      on = value;
      generation += 1;
      kept = undefined;
    },
  };
}
