// Ownership alone: two replicas' leases over one store, on a clock moved by hand.
import { describe, expect, it } from "vitest";
import { createOwnership } from "../../src/bot/live/ownership.js";
import { ManualClock } from "./manualClock.js";
import { MemoryLiveStore } from "./memoryLiveStore.js";

/** Two replicas on one store; `a` can run on a clock nobody moves (its timers never fire: a dead process). */
function replicas(opts: { aDead?: boolean } = {}) {
  const clock = new ManualClock();
  const dead = new ManualClock();
  const store = new MemoryLiveStore(() => clock.t);
  const claimable: Record<string, string[]> = { a: [], b: [] };
  const make = (owner: "a" | "b", c: ManualClock) =>
    createOwnership({
      store,
      owner,
      clock: c,
      leaseMs: 9000,
      onClaimable: (id) => claimable[owner]!.push(id),
    });
  return { clock, store, claimable, a: make("a", opts.aDead ? dead : clock), b: make("b", clock) };
}

describe("ownership", () => {
  it("one owner at a time; the other is told who holds it and for how long", async () => {
    const r = replicas();
    expect(await r.a.claim("m1")).toEqual({ owned: true, fresh: true });
    expect(await r.a.claim("m1")).toEqual({ owned: true, fresh: false });
    const b = await r.b.claim("m1");
    expect(b).toMatchObject({ owned: false, holder: "a" });
    expect(b.owned === false && b.retryInMs).toBeLessThanOrEqual(9000);
  });

  it("a live owner keeps renewing; a watcher never takes over meanwhile", async () => {
    const r = replicas();
    await r.a.claim("m1");
    await r.b.claim("m1");
    for (let i = 0; i < 10; i++) {
      await r.clock.advance(3000);
      for (const id of r.claimable.b!.splice(0)) expect(await r.b.claim(id)).toMatchObject({ owned: false });
    }
    expect(r.store.leases.get("m1")?.owner).toBe("a");
  });

  it("a dead owner's lease runs out and the watcher takes it over within the lease time", async () => {
    const r = replicas({ aDead: true });
    await r.a.claim("m1");
    await r.b.claim("m1");
    const diedAt = r.clock.t; // "a" never renews: its timers are on a clock that does not move
    let takenAt: number | undefined;
    for (let i = 0; i < 40 && takenAt === undefined; i++) {
      await r.clock.advance(500);
      for (const id of r.claimable.b!.splice(0)) {
        const c = await r.b.claim(id);
        if (c.owned) {
          expect(c.fresh).toBe(true);
          takenAt = r.clock.t;
        }
      }
    }
    expect(takenAt).toBeDefined();
    // Within the lease (9 s) and the watcher's small margin past it.
    expect(takenAt! - diedAt).toBeLessThanOrEqual(9000 + 600);
  });

  it("a clean stop hands the lease over at once", async () => {
    const r = replicas();
    await r.a.claim("m1");
    await r.a.stop();
    expect(await r.b.claim("m1")).toEqual({ owned: true, fresh: true });
  });

  it("an owner that lost its lease (stalled past it) learns so at renewal and stops speaking", async () => {
    const r = replicas();
    await r.a.claim("m1");
    r.store.leases.set("m1", { owner: "b", until: r.clock.t + 9000 });
    await r.clock.advance(3000);
    expect(r.a.held()).toEqual([]);
    expect(await r.a.claim("m1")).toMatchObject({ owned: false, holder: "b" });
  });
});
