// One live message per migration, redrawn from the record, in one voice across bot replicas. The parts:
// pacing.ts (coalescing, Retry-After, the final state never dropped), ownership.ts (the lease),
// message.ts (post, redraw, adopt), thread.ts (the thread cursor), report.ts (the closing summary).

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { HikkoshiConfig } from "../../config/schema.js";
import type { MigrationCommands } from "../../migration/commands.js";
import { isTerminal } from "../../migration/types.js";
import { errorText, type Logger, silentLogger } from "../log.js";
import { renderMigrationMessage } from "../render/migration.js";
import { type PostArgs, type SlackApi, SlackPlatformError, SlackRateLimited } from "../slackApi.js";
import { createUserNames } from "../userNames.js";
import { adopt, type MessageState, showMessage } from "./message.js";
import { createOwnership } from "./ownership.js";
import { type Clock, createPacer, createPostPacer, realClock } from "./pacing.js";
import { postReportOnce, type ReportState } from "./report.js";
import type { LiveStore } from "./store.js";
import {
  advanceThread,
  freshThread,
  postReply,
  resumeThread,
  type ThreadDeps,
  type ThreadState,
} from "./thread.js";

export type { Clock } from "./pacing.js";
export { realClock } from "./pacing.js";
export type { LiveStore } from "./store.js";

/** What the live messages read from the engine (domain reads only). */
export type LiveCommands = Pick<
  MigrationCommands,
  "get" | "auditSince" | "auditDropped" | "report" | "active" | "history"
>;

export interface LiveMessagesOptions {
  commands: LiveCommands;
  store: LiveStore;
  config: HikkoshiConfig;
  api: SlackApi;
  clock?: Clock;
  /** Minimum time between two flushes of one message (default 1000 ms). */
  minIntervalMs?: number;
  /** Lease on each live message (default 10 s): a dead replica's messages move within about this. */
  leaseMs?: number;
  /** This process's name as a lease owner (default: host, pid and a random part). */
  owner?: string;
  logger?: Logger;
  /** Awaited before each flush: a redraw waits for the acks being sent (the bot's ack gate). */
  beforeFlush?: () => Promise<void>;
}

export interface LiveMessages {
  /** Something changed for this migration: redraw soon (coalesced). */
  notify(migrationId: string): void;
  /** Resolves once nothing is dirty, scheduled or in flight (or after `timeoutMs`). */
  idle(timeoutMs?: number): Promise<void>;
  /** Flush what is dirty now (ignoring the interval, not Retry-After), hand the leases over, stop. */
  stop(timeoutMs?: number): Promise<void>;
  stats(): { flushes: number; updates: number; posts: number; rateLimited: number; failures: number };
  /**
   * At start-up: notify every active migration, and the recently finished ones whose message shows an
   * older version than their record (a final update still held back by a 429 when the last owner stopped).
   */
  catchUp(): Promise<{ active: number; behind: number }>;
  /** The lease owner name of this process. */
  readonly owner: string;
}

/** Finished migrations per environment looked at by `catchUp`. */
const CATCH_UP_HISTORY = 5;

interface Entry {
  message: MessageState;
  thread: ThreadState;
  report: ReportState;
}

const MAX_ENTRIES = 500;

export function createLiveMessages(opts: LiveMessagesOptions): LiveMessages {
  const clock = opts.clock ?? realClock;
  const minInterval = opts.minIntervalMs ?? 1000;
  const log = opts.logger ?? silentLogger;
  const stats = { updates: 0, posts: 0, rateLimited: 0, failures: 0 };
  const entries = new Map<string, Entry>();
  const postPacer = createPostPacer(clock, minInterval);

  const post = async (args: PostArgs) => {
    postPacer.claim(args.channel);
    const posted = await opts.api.postMessage(args);
    stats.posts += 1;
    return posted;
  };
  const names = createUserNames(
    (id) => opts.api.userName(id),
    () => clock.now(),
  );
  const reportRefusals = new Map<string, number>();
  const threadDeps: ThreadDeps = {
    commands: opts.commands,
    store: opts.store,
    api: opts.api,
    post,
    names,
    log,
  };
  const reportDeps = {
    commands: opts.commands,
    store: opts.store,
    names,
    postReply: (ref: { channel: string; ts: string }, text: string, what: string) =>
      postReply(threadDeps, reportRefusals, ref, text, what),
  };
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const messageDeps = {
    api: opts.api,
    store: opts.store,
    post,
    log,
    replica: owner,
    onUpdate: () => {
      stats.updates += 1;
    },
  };

  const entryFor = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) {
      e = { message: { refSaved: false }, thread: freshThread(), report: { posted: false } };
      entries.set(id, e);
      if (entries.size > MAX_ENTRIES) {
        const held = new Set(ownership.held());
        for (const k of entries.keys()) {
          if (!held.has(k) && k !== id) {
            entries.delete(k);
            break;
          }
        }
      }
    }
    return e;
  };

  /** A fresh owner starts from what the record says (its predecessor's message, thread and summary). */
  async function takeOver(id: string): Promise<Entry> {
    const e: Entry = { message: { refSaved: false }, thread: freshThread(), report: { posted: false } };
    const old = entries.get(id);
    if (old?.message.deletedTs) e.message.deletedTs = old.message.deletedTs;
    entries.set(id, e);
    const rec = await opts.store.read(id);
    adopt(e.message, rec);
    e.report.posted = rec.reportPosted;
    if (e.message.ref) {
      const view = await opts.commands.get(id);
      if (view) await resumeThread(threadDeps, e.thread, view.migration, rec.threadCursor);
    }
    return e;
  }

  async function flush(id: string): Promise<"done" | "again"> {
    await opts.beforeFlush?.();
    const claim = await ownership.claim(id);
    if (!claim.owned) return "done"; // the owner speaks; we watch its lease
    const e = claim.fresh ? await takeOver(id) : entryFor(id);
    const view = await opts.commands.get(id);
    if (!view) {
      await ownership.release(id);
      return "done";
    }
    const m = view.migration;
    const env = opts.config.environments[m.env];
    if (!env) {
      log.error(
        { migrationId: m.id, env: m.env },
        "migration of an environment not in the config; not rendered",
      );
      return "done";
    }
    const rendered = renderMigrationMessage(
      { ...view, settings: { approvalExpiresMinutes: env.approvalExpiresMinutes, fourEyes: env.fourEyes } },
      clock.now(),
    );
    const hadRef = e.message.ref !== undefined;
    const shown = await showMessage(messageDeps, e.message, view, env.channel, rendered);
    if (shown.kind === "deleted") return "again";
    if (!hadRef && !shown.adopted) e.thread.cursor ??= "0"; // a message of our own: its whole thread
    if (shown.adopted) {
      const rec = await opts.store.read(id);
      await resumeThread(threadDeps, e.thread, m, rec.threadCursor);
      e.report.posted = rec.reportPosted;
      return "again";
    }
    if ((await advanceThread(threadDeps, e.thread, m, shown.ref)) === "more") return "again";
    await postReportOnce(reportDeps, e.report, m, shown.ref);
    if (isTerminal(m.status) && e.message.shownVersion === m.version && e.report.posted) {
      await ownership.release(id); // finished and fully shown: nothing left to say
      entries.delete(id);
    }
    return "done";
  }

  const pacer = createPacer({
    clock,
    minIntervalMs: minInterval,
    flush,
    onFailure(id, err, next, attempt) {
      if (err instanceof SlackRateLimited) {
        stats.rateLimited += 1;
        log.warn(
          { migrationId: id, method: err.method, retryAfterMs: err.retryAfterMs },
          "slack rate limited; coalescing",
        );
        return;
      }
      if (next.kind === "wait" && next.reason === "paced") return;
      stats.failures += 1;
      if (next.kind === "give-up") {
        const hint =
          err instanceof SlackPlatformError && ["channel_not_found", "not_in_channel"].includes(err.error)
            ? "invite the bot to the environment's channel (/invite @hikkoshi)"
            : undefined;
        log.error(
          { migrationId: id, err: errorText(err), ...(hint ? { hint } : {}) },
          "live message update failed",
        );
        return;
      }
      log.warn({ migrationId: id, err: errorText(err), attempt }, "live message update failed; retrying");
    },
  });

  const ownership = createOwnership({
    store: opts.store,
    owner,
    clock,
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    onClaimable: (id) => pacer.mark(id),
    onError: (id, err) =>
      log.warn({ migrationId: id, err: errorText(err) }, "could not renew a live message lease"),
  });

  let stopped = false;
  return {
    owner: ownership.owner,
    notify(migrationId) {
      if (stopped) return;
      pacer.mark(migrationId);
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (pacer.busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
    async stop(timeoutMs = 5000) {
      stopped = true;
      await pacer.stop(timeoutMs);
      await ownership.stop();
    },
    stats: () => ({ flushes: pacer.flushes(), ...stats }),
    async catchUp() {
      const active = await opts.commands.active();
      for (const v of active) pacer.mark(v.migration.id);
      let behind = 0;
      for (const env of Object.keys(opts.config.environments)) {
        for (const h of await opts.commands.history(env, CATCH_UP_HISTORY)) {
          if (!isTerminal(h.status)) continue; // active ones were notified above
          const [view, rec] = await Promise.all([opts.commands.get(h.id), opts.store.read(h.id)]);
          if (view && rec.ref && (rec.renderedVersion ?? 0) < view.migration.version) {
            pacer.mark(h.id);
            behind++;
          }
        }
      }
      return { active: active.length, behind };
    },
  };
}
