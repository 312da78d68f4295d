// Bounded polling: every wait in the e2e tests ends, with a message saying what never happened.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`
 * with `what` and, when given, `explain()` (the channel as Slack shows it, say).
 */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 60_000,
  opts: { everyMs?: number; explain?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${String(lastError)})` : "";
      const extra = opts.explain ? `\n${opts.explain()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}${extra}`);
    }
    await sleep(opts.everyMs ?? 50);
  }
}
