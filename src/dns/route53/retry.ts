// Retry with jittered exponential backoff, under a request-rate limit (Route 53 allows 5 requests per second
// per account). Only errors `classify` calls transient are retried.

import { classifyCallError, recordExternalCall } from "../../observability/externalCalls.js";
import { type CallSite, classify } from "./errors.js";

export interface RetryOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Requests per second this process sends to Route 53 (shared by every call through one adapter). */
  requestsPerSecond: number;
  /** Source of jitter in [0, 1); tests may fix it. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  requestsPerSecond: 5,
  random: Math.random,
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "Full jitter": a random delay up to min(max, base·2^(attempt-1)), at least one rate-limit slot. */
export function backoffMs(attempt: number, opts: RetryOptions): number {
  const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1000 / opts.requestsPerSecond, Math.floor(opts.random() * cap));
}

/** Spaces requests at least 1/rps apart, in the order they asked. */
export class RateLimiter {
  private next = 0;

  constructor(private readonly requestsPerSecond: number) {}

  async take(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / this.requestsPerSecond;
    if (slot > now) await sleep(slot - now);
  }
}

export type RetryListener = (info: { op: string; attempt: number; code: string; delayMs: number }) => void;

/**
 * Runs `fn` (one Route 53 request) until it succeeds, fails permanently (PermanentDnsError with Route 53's
 * message and the fix) or runs out of attempts (a plain Error: the engine may retry the step later).
 */
export async function withRetry<T>(
  site: CallSite,
  fn: () => Promise<T>,
  opts: RetryOptions,
  limiter: RateLimiter,
  onRetry?: RetryListener,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await limiter.take();
    try {
      const value = await fn();
      recordExternalCall("route53", "ok");
      return value;
    } catch (err) {
      recordExternalCall("route53", classifyCallError(err));
      const c = classify(err, site);
      if (c.kind === "permanent") throw c.error;
      if (attempt >= opts.maxAttempts) {
        // no `cause`: the SDK error carries the signed request, which has no place in logs
        throw new Error(
          `Route 53 ${site.op} still failing after ${attempt} attempts: ${c.code}: ${c.message}`,
        );
      }
      const delayMs = backoffMs(attempt, opts);
      onRetry?.({ op: site.op, attempt, code: c.code, delayMs });
      await sleep(delayMs);
    }
  }
}
