/**
 * An error that retrying will not fix (bad config, a refusal by an API, a check that failed after its
 * attempts). The worker halts the migration with its message instead of retrying the job.
 */
export class PermanentError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = "PermanentError";
  }
}

/** Thrown by a step that stopped because the migration is being rolled back or aborted. */
export class StepCancelledError extends Error {
  constructor() {
    super("step cancelled: rollback or abort requested");
    this.name = "StepCancelledError";
  }
}

/** Adapters mark their permanent errors with `permanent: true` or a `Permanent*` class name. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentError) return true;
  if (!(err instanceof Error)) return false;
  return (
    (err as { permanent?: unknown }).permanent === true ||
    /^Permanent/.test(err.name) ||
    /^Permanent/.test(err.constructor.name)
  );
}

export function isCancelled(err: unknown): boolean {
  return err instanceof StepCancelledError || (err instanceof Error && err.name === "AbortError");
}

/** The fix an adapter's error carries for a person (its `fix`, one sentence), if any. */
export function fixOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const fix = (err as { fix?: unknown }).fix;
  return typeof fix === "string" && fix.length > 0 ? fix : undefined;
}

/** Message plus the fix, if the error carries one. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const fix = fixOf(err);
  return fix ? `${err.message} (fix: ${fix})` : err.message;
}
