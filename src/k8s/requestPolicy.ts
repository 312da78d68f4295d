// How hikkoshi talks to an API server under load: at most `concurrency` requests in flight, a token
// bucket at `requestsPerSecond`, and retries with exponential backoff (and jitter) for 429, 5xx and
// connection errors, honouring `Retry-After`. A 409 is not retried here: it means "re-read and decide
// again", which `updateWithRetry` does with a fresh read.

import { AsyncLocalStorage } from "node:async_hooks";
import { classifyCallError, recordExternalCall } from "../observability/externalCalls.js";
import { type Clock, type Logger, silentLogger, systemClock } from "./runtime.js";

export interface RequestLimits {
  concurrency: number;
  requestsPerSecond: number;
}

export const defaultLimits: RequestLimits = { concurrency: 16, requestsPerSecond: 50 };

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a server's Retry-After we are willing to sleep. */
  maxRetryAfterMs: number;
}

export const defaultRetry: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** What a failed request tells us, whatever threw it (ApiException, fetch error, anything). */
export interface FailureInfo {
  status?: number;
  /** Kubernetes Status `reason` (AlreadyExists, Conflict, NotFound, ...) when the body carried one. */
  reason?: string;
  retryAfterMs?: number;
  networkCode?: string;
  /** Kubernetes Status `message`. */
  message?: string;
}

const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

function field(obj: unknown, key: string): unknown {
  return typeof obj === "object" && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function describeFailure(err: unknown, now = Date.now()): FailureInfo {
  const info: FailureInfo = {};
  const code = field(err, "code");
  // ApiException's `code` is the HTTP status; a DOMException's (AbortSignal.timeout) is a small number.
  if (typeof code === "number" && code >= 100) info.status = code;
  const statusCode = field(err, "statusCode");
  if (info.status === undefined && typeof statusCode === "number") info.status = statusCode;
  if (typeof code === "string") info.networkCode = code;
  const cause = field(err, "cause");
  const causeCode = field(cause, "code");
  if (info.networkCode === undefined && typeof causeCode === "string") info.networkCode = causeCode;
  // Our per-request deadline fired (undici: DOMException TimeoutError/AbortError; node-fetch: type
  // "aborted"): a transient failure like a reset.
  const name = field(err, "name");
  if (
    info.networkCode === undefined &&
    (field(err, "type") === "aborted" || name === "TimeoutError" || name === "AbortError")
  )
    info.networkCode = "ETIMEDOUT";
  const errno = field(err, "errno");
  if (info.networkCode === undefined && typeof errno === "string") info.networkCode = errno;

  let body = field(err, "body");
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: keep no reason
    }
  }
  const reason = field(body, "reason");
  if (typeof reason === "string") info.reason = reason;
  const message = field(body, "message");
  if (typeof message === "string") info.message = message;

  const headers = field(err, "headers");
  const retryAfter = field(headers, "retry-after") ?? field(headers, "Retry-After");
  if (typeof retryAfter === "string") {
    const ms = parseRetryAfter(retryAfter, now);
    if (ms !== undefined) info.retryAfterMs = ms;
  }
  return info;
}

export function isTransient(info: FailureInfo): boolean {
  if (info.status !== undefined) return info.status === 429 || (info.status >= 500 && info.status <= 599);
  return info.networkCode !== undefined && networkCodes.has(info.networkCode);
}

export function statusOf(err: unknown): number | undefined {
  return describeFailure(err).status;
}

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusOf(err) === 409;
export const isForbidden = (err: unknown): boolean => statusOf(err) === 403;

/** Backoff before attempt `attempt + 1` (attempt counts from 0), with "equal jitter". */
export function backoffMs(attempt: number, opts: RetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Delay to wait after a failure: the server's Retry-After when given (capped), else backoff. */
export function retryDelayMs(
  info: FailureInfo,
  attempt: number,
  opts: RetryOptions,
  random?: () => number,
): number {
  if (info.retryAfterMs !== undefined) return Math.min(info.retryAfterMs, opts.maxRetryAfterMs);
  return backoffMs(attempt, opts, random);
}

class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/** Token bucket: `rate` tokens per second, bursts up to `burst`. Waiters are served in order. */
class TokenBucket {
  private tokens: number;
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  take(): Promise<void> {
    const turn = this.chain.then(() => this.takeNow());
    this.chain = turn.catch(() => {});
    return turn;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000)));
    }
  }
}

export interface RequestStats {
  /** Requests sent (every attempt counts). */
  requests: number;
  /** Attempts that failed transiently and were retried. */
  retries: number;
  /** 409s answered with a fresh read. */
  conflicts: number;
}

export class RequestPolicy {
  private readonly insideCall = new AsyncLocalStorage<boolean>();
  readonly stats: RequestStats = { requests: 0, retries: 0, conflicts: 0 };
  private readonly inFlight: Semaphore;
  private readonly bucket: TokenBucket;

  constructor(
    readonly limits: RequestLimits = defaultLimits,
    private readonly retry: RetryOptions = defaultRetry,
    private readonly clock: Clock = systemClock,
    private readonly logger: Logger = silentLogger,
  ) {
    this.inFlight = new Semaphore(limits.concurrency);
    this.bucket = new TokenBucket(limits.requestsPerSecond, Math.max(1, limits.concurrency), clock);
  }

  /** One API call, rate limited, retried on transient failures. Errors that are not transient propagate. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    // A call made from inside another (a read wrapped by `update`, itself inside `call`) runs within the
    // outer call's slot and retries: taking a second slot would deadlock once every slot is held by an
    // outer call waiting for its inner one.
    if (this.insideCall.getStore() === true) return fn();
    for (let attempt = 0; ; attempt++) {
      await this.bucket.take();
      await this.inFlight.acquire();
      this.stats.requests += 1;
      let failure: unknown;
      try {
        const value = await this.insideCall.run(true, fn);
        recordExternalCall("kubernetes", "ok");
        return value;
      } catch (err) {
        failure = err;
        recordExternalCall("kubernetes", classifyCallError(err));
      } finally {
        this.inFlight.release();
      }
      const info = describeFailure(failure, this.clock.now());
      if (!isTransient(info) || attempt + 1 >= this.retry.maxAttempts) throw failure;
      this.stats.retries += 1;
      const delay = retryDelayMs(info, attempt, this.retry);
      this.logger.debug(
        { what, status: info.status, network: info.networkCode, attempt: attempt + 1, delayMs: delay },
        "transient API failure, retrying",
      );
      // No abort check here: an operation already sent is allowed to finish (the callers honour the
      // abort between items, never in the middle of a change).
      await this.clock.sleep(delay);
    }
  }

  /**
   * Read-modify-write that answers a 409 with a fresh read. `decide` returns the write to perform for
   * the current object, or undefined when it is already as wanted (nothing sent).
   */
  async update<T, R>(
    what: string,
    read: () => Promise<T>,
    decide: (current: T) => (() => Promise<R>) | undefined,
    opts: { initial?: T; maxConflicts?: number } = {},
  ): Promise<{ current: T; written?: R }> {
    const maxConflicts = opts.maxConflicts ?? 8;
    let initial = opts.initial;
    for (let conflicts = 0; ; conflicts++) {
      // The first round may start from an object the caller just read (or wrote); a 409 always re-reads.
      const current = initial !== undefined ? initial : await this.call(`${what} (read)`, read);
      initial = undefined;
      const write = decide(current);
      if (!write) return { current };
      try {
        const written = await this.call(what, write);
        return { current, written };
      } catch (err) {
        if (describeFailure(err).status !== 409 || conflicts + 1 >= maxConflicts) throw err;
        this.stats.conflicts += 1;
        this.logger.debug({ what, conflicts: conflicts + 1 }, "409 conflict, re-reading");
      }
    }
  }
}
