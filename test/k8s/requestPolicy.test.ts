import { describe, expect, it } from "vitest";
import {
  backoffMs,
  defaultRetry,
  describeFailure,
  isTransient,
  parseRetryAfter,
  RequestPolicy,
  retryDelayMs,
} from "../../src/k8s/requestPolicy.js";
import { type Clock, systemClock } from "../../src/k8s/runtime.js";

/** A clock whose sleeps advance time instantly, recording each delay. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    ...systemClock,
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

const apiError = (code: number, headers: Record<string, string> = {}, body: unknown = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, headers, body });

describe("failure classification", () => {
  it("retries 429, 5xx and connection errors, not 4xx", () => {
    expect(isTransient(describeFailure(apiError(429)))).toBe(true);
    expect(isTransient(describeFailure(apiError(503)))).toBe(true);
    expect(isTransient(describeFailure(apiError(500)))).toBe(true);
    expect(isTransient(describeFailure(apiError(409)))).toBe(false);
    expect(isTransient(describeFailure(apiError(404)))).toBe(false);
    expect(isTransient(describeFailure(apiError(403)))).toBe(false);
    expect(isTransient(describeFailure(Object.assign(new Error("x"), { code: "ECONNRESET" })))).toBe(true);
    expect(isTransient(describeFailure(Object.assign(new Error("x"), { type: "aborted" })))).toBe(true);
    expect(isTransient(describeFailure(new Error("boom")))).toBe(false);
  });

  it("reads Retry-After (seconds or date) and the Status reason from a string body", () => {
    expect(parseRetryAfter("2", 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    const info = describeFailure(
      apiError(409, {}, JSON.stringify({ reason: "Conflict", message: "modified" })),
    );
    expect(info).toMatchObject({ status: 409, reason: "Conflict", message: "modified" });
  });

  it("backs off exponentially with jitter, capped, and prefers the server's Retry-After", () => {
    const opts = { ...defaultRetry, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, opts, () => 0)).toBe(50);
    expect(backoffMs(0, opts, () => 1)).toBe(100);
    expect(backoffMs(3, opts, () => 1)).toBe(800);
    expect(backoffMs(10, opts, () => 1)).toBe(1000);
    expect(retryDelayMs({ status: 429, retryAfterMs: 3000 }, 0, opts)).toBe(3000);
    expect(retryDelayMs({ status: 429, retryAfterMs: 999_999 }, 0, opts)).toBe(opts.maxRetryAfterMs);
  });
});

describe("RequestPolicy", () => {
  it("retries transient failures honouring Retry-After, then succeeds", async () => {
    const clock = fakeClock();
    const policy = new RequestPolicy({ concurrency: 4, requestsPerSecond: 1000 }, defaultRetry, clock);
    let calls = 0;
    const result = await policy.call("x", async () => {
      calls += 1;
      if (calls === 1) throw apiError(429, { "retry-after": "2" });
      if (calls === 2) throw apiError(503);
      return "ok";
    });
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(clock.slept).toContain(2000);
    expect(policy.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it("does not retry a 404 and gives up after maxAttempts", async () => {
    const policy = new RequestPolicy(
      { concurrency: 1, requestsPerSecond: 1000 },
      { ...defaultRetry, maxAttempts: 3 },
      fakeClock(),
    );
    await expect(policy.call("x", async () => Promise.reject(apiError(404)))).rejects.toMatchObject({
      code: 404,
    });
    expect(policy.stats.requests).toBe(1);
    await expect(policy.call("x", async () => Promise.reject(apiError(500)))).rejects.toMatchObject({
      code: 500,
    });
    expect(policy.stats.requests).toBe(4);
  });

  it("answers a 409 with a fresh read and decides again", async () => {
    const policy = new RequestPolicy({ concurrency: 1, requestsPerSecond: 1000 }, defaultRetry, fakeClock());
    let version = 1;
    const reads: number[] = [];
    const { written } = await policy.update(
      "x",
      async () => {
        reads.push(version);
        return version;
      },
      (seen) => async () => {
        if (seen !== version) throw apiError(409);
        return `wrote over v${seen}`;
      },
      { initial: 0 },
    );
    version = 2;
    expect(written).toBe("wrote over v1");
    expect(reads).toEqual([1]);
    expect(policy.stats.conflicts).toBe(1);
  });

  it("keeps at most `concurrency` requests in flight and holds the rate", async () => {
    let t = 0;
    const clock: Clock = {
      ...systemClock,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    };
    const policy = new RequestPolicy({ concurrency: 3, requestsPerSecond: 10 }, defaultRetry, clock);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 13 }, () =>
        policy.call("x", async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((r) => setTimeout(r, 1));
          inFlight -= 1;
        }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(3);
    // 3 tokens of burst, then 10 per second: 10 more need about one second of (fake) time.
    expect(t).toBeGreaterThanOrEqual(950);
    expect(t).toBeLessThan(1500);
  });
});

describe("nested calls", () => {
  it("a read made inside update's call does not take a second slot (no deadlock when every slot is busy)", async () => {
    const policy = new RequestPolicy({ concurrency: 2, requestsPerSecond: 1000 }, defaultRetry, fakeClock());
    let inner = 0;
    const read = () => policy.call("inner read", async () => ++inner);
    const updates = Array.from({ length: 5 }, () =>
      policy.update("scale", read, (n) => (n > 100 ? undefined : async () => "written")),
    );
    const done = await Promise.race([
      Promise.all(updates).then(() => "done"),
      new Promise((r) => setTimeout(() => r("deadlock"), 2000)),
    ]);
    expect(done).toBe("done");
    expect(inner).toBe(5);
    // Outer calls are still limited and counted: 5 reads + 5 writes.
    expect(policy.stats.requests).toBe(10);
  });
});
