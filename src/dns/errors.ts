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
