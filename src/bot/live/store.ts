// What the live messages keep in Redis about their Slack side: where the message is, how far its thread
// got, which record version it shows, whether the summary went out, and who owns it. Bot-owned: the
// domain's command port knows nothing of Slack. Implemented on Redis in src/store/liveStore.ts.

export interface LiveRef {
  channel: string;
  ts: string;
}

/** The Slack side of one migration, as recorded. */
export interface LiveRecord {
  ref?: LiveRef;
  /** Last audit entry posted in the thread (so a restarted or new owner neither repeats nor skips). */
  threadCursor?: string;
  /** The record version the message last showed. */
  renderedVersion?: number;
  reportPosted: boolean;
}

/** Who holds a live message's lease now, and for how much longer. */
export interface LeaseState {
  owner: string;
  ttlMs: number;
}

export interface LiveStore {
  read(migrationId: string): Promise<LiveRecord>;
  /** Overwrite the reference (a message someone deleted was replaced). */
  setRef(migrationId: string, ref: LiveRef): Promise<void>;
  /** Record `ref` only if none is recorded yet; returns the recorded one. */
  claimRef(migrationId: string, ref: LiveRef): Promise<LiveRef>;
  setRenderedVersion(migrationId: string, version: number): Promise<void>;
  setThreadCursor(migrationId: string, auditId: string): Promise<void>;
  markReportPosted(migrationId: string): Promise<void>;
  /**
   * Take the lease if nobody holds it, or extend it if `owner` holds it (one atomic step). Returns the
   * holder afterwards: `owner` on success, someone else otherwise (with their remaining time).
   */
  acquireLease(migrationId: string, owner: string, ttlMs: number): Promise<LeaseState>;
  /** Give the lease up if `owner` holds it (a clean stop hands over at once). */
  releaseLease(migrationId: string, owner: string): Promise<void>;
  /**
   * Count the refusal `entryId` under `key` (who, what, at which gate); counting the same entry again
   * (a flush retried after a pause) changes nothing. Returns the count so far and the thread reply that
   * shows it, if one was posted: the thread shows one counted line per key, never one line per attempt.
   */
  noteRefusal(migrationId: string, key: string, entryId: string): Promise<{ count: number; lineTs?: string }>;
  /** Remember the thread reply that shows the refusals under `key`. */
  setRefusalLine(migrationId: string, key: string, ts: string): Promise<void>;
  /** True the first time `key` (a Slack trigger or retry id) is claimed within `ttlSeconds`. */
  claimRequestOnce(key: string, ttlSeconds: number): Promise<boolean>;
}
