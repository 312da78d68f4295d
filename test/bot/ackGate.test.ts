// The ack gate (work after an ack steps aside for acks still to go out, and for a burst still arriving)
// and the shared status read.
// No timers are asserted on: only what runs before what.

import { describe, expect, it } from "vitest";
import { createAckGate } from "../../src/bot/ackGate.js";
import { sharedRead } from "../../src/bot/sharedRead.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("createAckGate", () => {
  it("holds work back while a received request waits for its answer, and lets it go once answered", async () => {
    const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
    const answered = gate.enter();
    let ran = false;
    const work = gate.afterAcks().then(() => {
      ran = true;
    });
    for (let i = 0; i < 5; i++) await turn();
    expect(ran).toBe(false);
    expect(gate.pending).toBe(1);
    answered();
    answered(); // a second call (finish, then close) counts once
    expect(gate.pending).toBe(0);
    await work;
    expect(ran).toBe(true);
  });

  it("lets the waiters go in a later turn, in order, and none while a request is still unanswered", async () => {
    const gate = createAckGate({ maxWaitMs: 60_000, quietMs: 0 });
    const order: number[] = [];
    const answered = gate.enter();
    const all = [0, 1, 2].map((i) => gate.afterAcks().then(() => order.push(i)));
    expect(order).toEqual([]);
    await turn();
    expect(order).toEqual([]);
    answered();
    const late = gate.enter(); // arrives before the check: holds everyone again
    await turn();
    expect(order).toEqual([]);
    late();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2]);
  });

  it("holds work while requests keep arriving, even when each is answered at once", async () => {
    const gate = createAckGate({ quietMs: 60_000, maxWaitMs: 60_000 });
    let ran = false;
    gate.enter()();
    void gate.afterAcks().then(() => {
      ran = true;
    });
    for (let i = 0; i < 5; i++) await turn();
    expect(gate.pending).toBe(0);
    expect(ran).toBe(false); // a burst may still be arriving: its acks go first
  });

  it("does not starve work under a request that is never answered", async () => {
    const gate = createAckGate({ maxWaitMs: 5 });
    gate.enter();
    await gate.afterAcks();
    expect(gate.pending).toBe(1);
  });

  it("runs at most `lanes` tasks at once, and every task", async () => {
    const gate = createAckGate({ lanes: 2, maxWaitMs: 60_000, quietMs: 0 });
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      gate.afterAck(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
        return i;
      }),
    );
    let finished = 0;
    for (const t of tasks) t.then(() => finished++);
    while (finished < 5) {
      for (let i = 0; i < 5; i++) await turn();
      expect(release.length).toBeLessThanOrEqual(2);
      release.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it("a task that never ends gives its lane up, so the next one still runs", async () => {
    const gate = createAckGate({ lanes: 1, maxWaitMs: 5, quietMs: 0 });
    void gate.afterAck(() => new Promise<never>(() => {}));
    expect(await gate.afterAck(async () => "ran")).toBe("ran");
  });

  it("a task that throws frees its lane", async () => {
    const gate = createAckGate({ lanes: 1, maxWaitMs: 60_000, quietMs: 0 });
    await expect(gate.afterAck(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.afterAck(async () => "next")).toBe("next");
  });
});

describe("sharedRead", () => {
  it("callers of one turn share one read, issued after all of them asked; later callers get their own", async () => {
    const log: string[] = [];
    let reads = 0;
    const read = sharedRead(async () => {
      reads += 1;
      log.push(`read ${reads}`);
      return reads;
    });
    const a = read();
    log.push("a asked");
    const b = read();
    log.push("b asked");
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(log).toEqual(["a asked", "b asked", "read 1"]);
    expect(await read()).toBe(2);
  });

  it("a failed read fails its callers only", async () => {
    let fail = true;
    const read = sharedRead(async () => {
      if (fail) throw new Error("redis down");
      return "ok";
    });
    await expect(Promise.all([read(), read()])).rejects.toThrow("redis down");
    fail = false;
    expect(await read()).toBe("ok");
  });
});
