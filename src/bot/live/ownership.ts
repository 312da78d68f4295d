// Ownership: two bot replicas, one voice. Each live message has one owner at a time through a lease in
// Redis with an expiry; the owner renews it while it has the message, a clean stop hands it over at once,
// and when an owner dies the lease runs out and a watching replica takes the message over.

import type { Clock } from "./pacing.js";
import type { LiveStore } from "./store.js";

export type Claim =
  /** `fresh`: this process did not hold it a moment ago (first flush, or a takeover). */
  { owned: true; fresh: boolean } | { owned: false; holder: string; retryInMs: number };

export interface OwnershipOptions {
  store: Pick<LiveStore, "acquireLease" | "releaseLease">;
  /** This process, unique per run (a restarted replica is a new owner). */
  owner: string;
  clock: Clock;
  /** Lease length; a dead owner's messages are taken over within about this time. Default 10 s. */
  leaseMs?: number;
  /** Told when a message this process watched can be claimed now (its lease ran out). */
  onClaimable(migrationId: string): void;
  onError?(migrationId: string, err: unknown): void;
}

export interface Ownership {
  readonly owner: string;
  /** Take or extend the lease before touching the message. */
  claim(migrationId: string): Promise<Claim>;
  /** Done with a message (finished and fully shown): give the lease up. */
  release(migrationId: string): Promise<void>;
  /** Leases held now. */
  held(): string[];
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 10_000;

export function createOwnership(opts: OwnershipOptions): Ownership {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const held = new Set<string>();
  const watches = new Map<string, unknown>();
  let renewTimer: unknown;
  let stopped = false;

  const renewAll = async () => {
    renewTimer = undefined;
    for (const id of [...held]) {
      try {
        const state = await opts.store.acquireLease(id, opts.owner, leaseMs);
        if (state.owner !== opts.owner) {
          // Lost it (this process stalled past its lease): someone else speaks now; watch again.
          held.delete(id);
          watch(id, state.ttlMs);
        }
      } catch (err) {
        opts.onError?.(id, err);
      }
    }
    armRenewal();
  };

  const armRenewal = () => {
    if (stopped || renewTimer !== undefined || held.size === 0) return;
    renewTimer = opts.clock.setTimeout(() => void renewAll(), Math.floor(leaseMs / 3));
  };

  const watch = (id: string, ttlMs: number) => {
    if (stopped || watches.has(id)) return;
    // A little past the holder's expiry, so its renewal (if it is alive) lands first.
    const handle = opts.clock.setTimeout(() => {
      watches.delete(id);
      if (!stopped) opts.onClaimable(id);
    }, Math.max(50, ttlMs) + 100);
    watches.set(id, handle);
  };

  return {
    owner: opts.owner,
    async claim(id) {
      const was = held.has(id);
      const state = await opts.store.acquireLease(id, opts.owner, leaseMs);
      if (state.owner === opts.owner) {
        held.add(id);
        armRenewal();
        return { owned: true, fresh: !was };
      }
      held.delete(id);
      watch(id, state.ttlMs);
      return { owned: false, holder: state.owner, retryInMs: state.ttlMs };
    },
    async release(id) {
      if (!held.delete(id)) return;
      await opts.store.releaseLease(id, opts.owner);
    },
    held: () => [...held],
    async stop() {
      stopped = true;
      if (renewTimer !== undefined) opts.clock.clearTimeout(renewTimer);
      for (const h of watches.values()) opts.clock.clearTimeout(h);
      watches.clear();
      const ids = [...held];
      held.clear();
      await Promise.all(ids.map((id) => opts.store.releaseLease(id, opts.owner).catch(() => {})));
    },
  };
}
