// Errors a DNS provider raises. The engine halts (does not retry) on a PermanentDnsError and shows its `fix`;
// any other error is treated as transient and the step is retried.

export class PermanentDnsError extends Error {
  /** Marks the error for the engine's `isPermanent` whatever bundling does to class names. */
  readonly permanent = true;

  constructor(
    message: string,
    /** What a person should change before retrying, in one sentence. */
    readonly fix: string,
    /** The provider's error code (e.g. `InvalidChangeBatch`, `AccessDenied`), when the provider refused. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "PermanentDnsError";
  }
}

/**
 * A provider that could not answer after all of its own retries (throttled, busy, unreachable). Not
 * permanent: the engine retries a step that throws it, and it may succeed later. `fix` says what a person
 * can do meanwhile, so a command answers with the cause instead of an internal error.
 */
export class DnsUnavailableError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    /** The provider's last error code (e.g. `Throttling`). */
    readonly code: string,
  ) {
    super(message);
    this.name = "DnsUnavailableError";
  }
}
