// Pacing and coalescing alone: a pacer over a flush function, on a clock moved by hand.
import { describe, expect, it } from "vitest";
import { afterFailure, createPacer, createPostPacer, Paced } from "../../src/bot/live/pacing.js";
import { SlackPlatformError, SlackRateLimited } from "../../src/bot/slackApi.js";
import { T0 } from "./fixtures.js";
import { ManualClock } from "./manualClock.js";

describe("afterFailure", () => {
  it("waits out a pause or a Retry-After, backs off on other errors, gives up on a platform error or after 8", () => {
    expect(afterFailure(new Paced(300), 0)).toEqual({ kind: "wait", ms: 300, reason: "paced" });
    expect(afterFailure(new SlackRateLimited("chat.update", 7000), 0)).toEqual({
      kind: "wait",
      ms: 7000,
      reason: "rate-limited",
    });
    expect(afterFailure(new Error("ECONNRESET"), 1)).toEqual({ kind: "wait", ms: 1000, reason: "retrying" });
    expect(afterFailure(new Error("ECONNRESET"), 8)).toEqual({
      kind: "wait",
      ms: 30_000,
      reason: "retrying",
    });
    expect(afterFailure(new Error("ECONNRESET"), 9)).toEqual({ kind: "give-up" });
    expect(afterFailure(new SlackPlatformError("chat.update", "channel_not_found", []), 1)).toEqual({
      kind: "give-up",
    });
  });
});

/** A pacer whose flushes only record when they ran. */
function recordingPacer() {
  const clock = new ManualClock();
  const at: number[] = [];
  const pacer = createPacer({
    clock,
    minIntervalMs: 1000,
    flush: async () => {
      at.push(clock.t);
      return "done";
    },
  });
  return { clock, at, pacer };
}

describe("pacer", () => {
  it("coalesces a burst into flushes at least an interval apart, and flushes once more after the last mark", async () => {
    const { clock, at, pacer } = recordingPacer();
    for (let i = 0; i < 100; i++) {
      pacer.mark("m");
      await clock.advance(25);
    }
    await clock.advance(5000);
    expect(at.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
    // The last mark (at T0 + 2475) is followed by a flush: the final state is never dropped.
    expect(at.at(-1)!).toBeGreaterThanOrEqual(T0 + 2475);
    expect(pacer.busy()).toBe(false);
  });

  it("a mark during a flush in flight brings another flush; 'again' does too", async () => {
    const clock = new ManualClock();
    let release: () => void = () => {};
    let calls = 0;
    const pacer = createPacer({
      clock,
      minIntervalMs: 1000,
      flush: () => {
        calls += 1;
        if (calls === 1) return new Promise<"done">((r) => (release = () => r("done")));
        return Promise.resolve(calls === 2 ? "again" : "done");
      },
    });
    pacer.mark("m");
    await clock.advance(0);
    pacer.mark("m");
    release();
    await clock.advance(5000);
    expect(calls).toBe(3);
  });

  it("waits Retry-After, gives up on a permanent error until the next mark", async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    const errors = [
      new SlackRateLimited("chat.update", 7000),
      new SlackPlatformError("chat.update", "x", []),
    ];
    const seen: string[] = [];
    const pacer = createPacer({
      clock,
      minIntervalMs: 1000,
      flush: async () => {
        at.push(clock.t);
        const e = errors.shift();
        if (e) throw e;
        return "done";
      },
      onFailure: (_k, _e, next) => seen.push(next.kind),
    });
    pacer.mark("m");
    await clock.advance(6999);
    expect(at).toEqual([T0]);
    await clock.advance(1);
    expect(at).toEqual([T0, T0 + 7000]);
    await clock.advance(10_000);
    expect(at).toHaveLength(2); // given up
    expect(seen).toEqual(["wait", "give-up"]);
    pacer.mark("m");
    await clock.advance(0);
    expect(at).toHaveLength(3);
  });

  it("stop flushes what is due at once, and nothing after", async () => {
    const { clock, at, pacer } = recordingPacer();
    pacer.mark("m");
    await clock.advance(10);
    pacer.mark("m"); // due at T0 + 1000
    await pacer.stop(1000);
    expect(at).toEqual([T0, T0 + 10]);
    pacer.mark("m");
    await clock.advance(5000);
    expect(at).toHaveLength(2);
  });
});

describe("post pacer", () => {
  it("one post per channel per interval; other channels are not held up", () => {
    const clock = new ManualClock();
    const posts = createPostPacer(clock, 1000);
    posts.claim("C1");
    expect(() => posts.claim("C1")).toThrow(Paced);
    posts.claim("C2");
    clock.t += 1000;
    expect(() => posts.claim("C1")).not.toThrow();
  });
});
