// What status answers from: kept views while no engine event came, never a read that predates an event.

import { describe, expect, it } from "vitest";
import { createViewCache } from "../../src/bot/viewCache.js";
import type { MigrationView } from "../../src/migration/commands.js";

const view = (version: number) =>
  ({ migration: { id: "production-20261201-1", version } }) as unknown as MigrationView;

function world() {
  let version = 1;
  let reads = 0;
  let hold: (() => void) | undefined;
  let t = 0;
  const cache = createViewCache(
    async () => {
      reads += 1;
      const seen = version; // what Redis had when the read ran
      if (hold) await new Promise<void>((resolve) => (hold = resolve));
      return [view(seen)];
    },
    { ttlMs: 1000, now: () => t },
  );
  return {
    cache,
    reads: () => reads,
    commit: () => {
      version += 1;
    },
    holdReads: () => {
      hold = () => {};
    },
    release: () => {
      const go = hold;
      hold = undefined;
      go?.();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const versionOf = async (views: Promise<readonly MigrationView[]>) => (await views)[0]!.migration.version;

describe("createViewCache", () => {
  it("reads once, then answers from memory until an engine event", async () => {
    const w = world();
    w.cache.watching(true);
    expect(await versionOf(w.cache.read())).toBe(1);
    expect(await versionOf(w.cache.read())).toBe(1);
    expect(w.reads()).toBe(1);
    w.commit();
    w.cache.changed();
    expect(await versionOf(w.cache.read())).toBe(2);
    expect(w.reads()).toBe(2);
  });

  it("keeps nothing while it receives no events, and nothing past its TTL", async () => {
    const w = world();
    await w.cache.read();
    await w.cache.read();
    expect(w.reads()).toBe(2);
    w.cache.watching(true);
    await w.cache.read();
    w.advance(999);
    await w.cache.read();
    expect(w.reads()).toBe(3);
    w.advance(1);
    await w.cache.read();
    expect(w.reads()).toBe(4);
    w.cache.watching(false);
    await w.cache.read();
    expect(w.reads()).toBe(5);
  });

  it("never keeps a read that was in flight when an event came (it may predate the change)", async () => {
    const w = world();
    w.cache.watching(true);
    w.holdReads();
    const inFlight = w.cache.read();
    await new Promise<void>((resolve) => setImmediate(resolve)); // the read has started
    w.commit();
    w.cache.changed();
    w.release();
    expect(await versionOf(inFlight)).toBe(1); // its own caller asked before the change
    expect(await versionOf(w.cache.read())).toBe(2); // nobody after the event is answered from it
    expect(w.reads()).toBe(2);
  });
});
