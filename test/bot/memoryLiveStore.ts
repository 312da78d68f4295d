// An in-memory LiveStore with the Redis one's semantics (lease expiry on an injected clock), for the unit
// tests of the live-message parts. The integration tests use the Redis one.

import type { LeaseState, LiveRecord, LiveRef, LiveStore } from "../../src/bot/live/store.js";

export class MemoryLiveStore implements LiveStore {
  readonly records = new Map<string, LiveRecord>();
  readonly leases = new Map<string, { owner: string; until: number }>();
  readonly refusals = new Map<string, { count: number; last?: string; ts?: string }>();
  readonly refWrites: Array<{ id: string; ref: LiveRef }> = [];
  readonly cursorWrites: Array<{ id: string; cursor: string }> = [];
  readonly claims = new Set<string>();

  constructor(private readonly now: () => number) {}

  private rec(id: string): LiveRecord {
    let r = this.records.get(id);
    if (!r) {
      r = { reportPosted: false };
      this.records.set(id, r);
    }
    return r;
  }

  async read(id: string): Promise<LiveRecord> {
    return { ...this.rec(id) };
  }
  async setRef(id: string, ref: LiveRef) {
    this.rec(id).ref = ref;
    this.refWrites.push({ id, ref });
  }
  async claimRef(id: string, ref: LiveRef) {
    const r = this.rec(id);
    if (r.ref) return r.ref;
    r.ref = ref;
    this.refWrites.push({ id, ref });
    return ref;
  }
  async setRenderedVersion(id: string, version: number) {
    this.rec(id).renderedVersion = version;
  }
  async setThreadCursor(id: string, cursor: string) {
    this.rec(id).threadCursor = cursor;
    this.cursorWrites.push({ id, cursor });
  }
  async markReportPosted(id: string) {
    this.rec(id).reportPosted = true;
  }
  async acquireLease(id: string, owner: string, ttlMs: number): Promise<LeaseState> {
    const cur = this.leases.get(id);
    const t = this.now();
    if (!cur || cur.until <= t || cur.owner === owner) {
      this.leases.set(id, { owner, until: t + ttlMs });
      return { owner, ttlMs };
    }
    return { owner: cur.owner, ttlMs: cur.until - t };
  }
  async releaseLease(id: string, owner: string) {
    if (this.leases.get(id)?.owner === owner) this.leases.delete(id);
  }
  async noteRefusal(id: string, key: string, entryId: string) {
    const k = `${id}/${key}`;
    const r = this.refusals.get(k) ?? { count: 0 };
    if (r.last !== entryId) {
      r.count += 1;
      r.last = entryId;
    }
    this.refusals.set(k, r);
    return { count: r.count, ...(r.ts ? { lineTs: r.ts } : {}) };
  }
  async setRefusalLine(id: string, key: string, ts: string) {
    const k = `${id}/${key}`;
    this.refusals.set(k, { ...(this.refusals.get(k) ?? { count: 1 }), ts });
  }
  async claimRequestOnce(key: string) {
    if (this.claims.has(key)) return false;
    this.claims.add(key);
    return true;
  }
}
