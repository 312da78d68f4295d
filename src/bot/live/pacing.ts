// Pacing and coalescing: at most one flush per message per `minIntervalMs` (Slack allows about one update
// per second per message). A burst of notifications collapses into one flush of the latest state; a
// notification that arrives while a flush runs schedules another, so the final state is never dropped.
// What to do after a failed flush is a pure decision (`afterFailure`), kept apart from the timers.

import { type Clock, systemClock } from "../../runtime/clock.js";
import { SlackPlatformError, SlackRateLimited } from "../slackApi.js";

export type { Clock };
export const realClock: Clock = systemClock;

/** A post deferred to keep to about one chat.postMessage per channel per interval (Slack's limit). */
export class Paced extends Error {
  constructor(readonly waitMs: number) {
    super(`paced for ${waitMs} ms`);
  }
}

export type AfterFailure =
  | { kind: "wait"; ms: number; reason: "paced" | "rate-limited" | "retrying" }
  /** Retrying the same request will not help; the next change of the migration flushes again. */
  | { kind: "give-up" };

const MAX_ATTEMPTS = 8;

/** What a failed flush leads to, given how many flushes in a row have failed (this one included). */
export function afterFailure(err: unknown, failures: number): AfterFailure {
  if (err instanceof Paced) return { kind: "wait", ms: err.waitMs, reason: "paced" };
  if (err instanceof SlackRateLimited) return { kind: "wait", ms: err.retryAfterMs, reason: "rate-limited" };
  if (err instanceof SlackPlatformError || failures > MAX_ATTEMPTS) return { kind: "give-up" };
  return { kind: "wait", ms: Math.min(30_000, 500 * 2 ** failures), reason: "retrying" };
}

/** One chat.postMessage per channel per interval; a post that comes too early throws `Paced`. */
export function createPostPacer(clock: Clock, minIntervalMs: number) {
  const lastPostAt = new Map<string, number>();
  return {
    claim(channel: string): void {
      const wait = (lastPostAt.get(channel) ?? Number.NEGATIVE_INFINITY) + minIntervalMs - clock.now();
      if (wait > 0) throw new Paced(wait);
      lastPostAt.set(channel, clock.now());
      if (lastPostAt.size > 1000) lastPostAt.delete(lastPostAt.keys().next().value as string);
    },
  };
}

interface Slot {
  dirty: boolean;
  timer?: unknown;
  inflight?: Promise<void>;
  lastFlushAt: number;
  notBefore: number;
  failures: number;
}

export interface PacerOptions {
  clock: Clock;
  minIntervalMs: number;
  flush(key: string): Promise<"done" | "again">;
  /** Told about every failure and what happens next (for stats and logs). */
  onFailure?(key: string, err: unknown, next: AfterFailure, attempt: number): void;
  maxKeys?: number;
}

export interface Pacer {
  /** Something changed: flush soon. */
  mark(key: string): void;
  /** Nothing dirty, scheduled or in flight. */
  busy(): boolean;
  /** Flush what is due now (not what waits out a Retry-After), stop scheduling, wait up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
  flushes(): number;
}

export function createPacer(opts: PacerOptions): Pacer {
  const { clock, minIntervalMs } = opts;
  const slots = new Map<string, Slot>();
  const maxKeys = opts.maxKeys ?? 500;
  let stopped = false;
  let flushes = 0;

  const slotFor = (key: string): Slot => {
    let s = slots.get(key);
    if (!s) {
      s = { dirty: false, lastFlushAt: Number.NEGATIVE_INFINITY, notBefore: 0, failures: 0 };
      slots.set(key, s);
      if (slots.size > maxKeys) {
        for (const [k, old] of slots) {
          if (!old.dirty && !old.timer && !old.inflight) {
            slots.delete(k);
            break;
          }
        }
      }
    }
    return s;
  };

  const schedule = (key: string, s: Slot, ignoreInterval = false) => {
    if (stopped && !ignoreInterval) return;
    if (!s.dirty || s.inflight || s.timer !== undefined) return;
    const now = clock.now();
    const at = Math.max(ignoreInterval ? now : s.lastFlushAt + minIntervalMs, s.notBefore, now);
    s.timer = clock.setTimeout(() => {
      s.timer = undefined;
      run(key, s);
    }, at - now);
  };

  const run = (key: string, s: Slot) => {
    if (s.inflight || !s.dirty) return;
    s.dirty = false;
    s.lastFlushAt = clock.now();
    flushes += 1;
    s.inflight = opts
      .flush(key)
      .then((result) => {
        s.failures = 0;
        if (result === "again") s.dirty = true;
      })
      .catch((err: unknown) => {
        const paced = err instanceof Paced || err instanceof SlackRateLimited;
        if (!paced) s.failures += 1;
        const next = afterFailure(err, s.failures);
        opts.onFailure?.(key, err, next, s.failures);
        if (next.kind === "give-up") return;
        s.dirty = true;
        s.notBefore = clock.now() + next.ms;
      })
      .finally(() => {
        s.inflight = undefined;
        schedule(key, s, stopped);
      });
  };

  return {
    mark(key) {
      if (stopped) return;
      const s = slotFor(key);
      s.dirty = true;
      schedule(key, s);
    },
    busy: () => [...slots.values()].some((s) => s.dirty || s.inflight || s.timer !== undefined),
    flushes: () => flushes,
    async stop(timeoutMs) {
      stopped = true;
      for (const [key, s] of slots) {
        if (s.timer !== undefined && s.notBefore <= clock.now()) {
          clock.clearTimeout(s.timer);
          s.timer = undefined;
          run(key, s);
        }
      }
      const deadline = Date.now() + timeoutMs;
      const working = () =>
        [...slots.values()].some((s) => s.inflight || (s.timer !== undefined && s.notBefore <= clock.now()));
      while (Date.now() < deadline && working()) {
        await Promise.race([
          ...[...slots.values()].flatMap((s) => (s.inflight ? [s.inflight] : [])),
          new Promise((r) => setTimeout(r, 50)),
        ]);
      }
      for (const s of slots.values()) {
        if (s.timer !== undefined) clock.clearTimeout(s.timer);
        s.timer = undefined;
      }
    },
  };
}
