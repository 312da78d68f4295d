// Retry with jittered exponential backoff, each attempt paced by Route 53's token buckets (pacing.ts).
// Only errors `classify` calls transient are retried.

import { classifyCallError, recordExternalCall } from "../../observability/externalCalls.js";
import { type CallSite, classify, exhaustedError } from "./errors.js";
import type { PacingOptions } from "./pacing.js";

export interface RetryOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The shortest backoff is one request slot at this rate (Route 53's documented refill, 10 per second). */
  requestsPerSecond: number;
  /** The token buckets every request waits for (Route 53's documented limits unless set). */
  pacing?: Partial<PacingOptions>;
  /** Source of jitter in [0, 1); tests may fix it. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  requestsPerSecond: 10,
  random: Math.random,
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "Full jitter": a random delay up to min(max, base·2^(attempt-1)), at least one rate-limit slot. */
export function backoffMs(attempt: number, opts: RetryOptions): number {
  const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1000 / opts.requestsPerSecond, Math.floor(opts.random() * cap));
}

/** What an attempt waits for before it is sent (a Route53Pacer bound to the operation). */
export interface Admission {
  take(): Promise<void>;
}

export type RetryListener = (info: { op: string; attempt: number; code: string; delayMs: number }) => void;

/**
 * Runs `fn` (one Route 53 request) until it succeeds, fails permanently (PermanentDnsError with Route 53's
 * message and the fix) or runs out of attempts (DnsUnavailableError, not permanent: the engine may retry
 * the step later, and a command can tell the person the cause).
 */
export async function withRetry<T>(
  site: CallSite,
  fn: () => Promise<T>,
  opts: RetryOptions,
  limiter: Admission,
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
      // no `cause`: the SDK error carries the signed request, which has no place in logs
      if (attempt >= opts.maxAttempts) throw exhaustedError(site, attempt, c.code, c.message);
      const delayMs = backoffMs(attempt, opts);
      onRetry?.({ op: site.op, attempt, code: c.code, delayMs });
      await sleep(delayMs);
    }
  }
}
