// One live message per migration, redrawn from the record. Updates are coalesced: at most one flush per
// message per `minIntervalMs` (Slack allows about one update per second per message); a burst of events
// collapses into one redraw of the latest state, and the final state always arrives because a flush that
// was asked for while another ran is scheduled again. A 429 pushes the next flush past its Retry-After.

import type { HikkoshiConfig } from "../config/schema.js";
import type { AuditEntry, MigrationCommands } from "../migration/commands.js";
import { isTerminal, type SlackRef } from "../migration/types.js";
import { type Clock, systemClock } from "../runtime/clock.js";
import { errorText, type Logger, silentLogger } from "./log.js";
import { renderMigrationMessage } from "./render/migration.js";
import { renderReport } from "./render/report.js";
import { auditReplies, errorReply, findingsReply, userIdsIn } from "./render/thread.js";
import { type PostArgs, type SlackApi, SlackPlatformError, SlackRateLimited } from "./slackApi.js";
import { createUserNames } from "./userNames.js";

export type { Clock };
export const realClock: Clock = systemClock;

export type LiveCommands = Pick<
  MigrationCommands,
  | "get"
  | "setSlackRef"
  | "claimSlackRef"
  | "setThreadCursor"
  | "setRenderedVersion"
  | "auditSince"
  | "report"
  | "claimReport"
>;

export interface LiveMessagesOptions {
  commands: LiveCommands;
  config: HikkoshiConfig;
  api: SlackApi;
  clock?: Clock;
  /** Minimum time between two flushes of one message (default 1000 ms). */
  minIntervalMs?: number;
  logger?: Logger;
}

export interface LiveMessages {
  /** Something changed for this migration: redraw soon (coalesced). */
  notify(migrationId: string): void;
  /** Resolves once nothing is dirty, scheduled or in flight (or after `timeoutMs`). */
  idle(timeoutMs?: number): Promise<void>;
  /** Flush what is dirty now (ignoring the interval, not Retry-After), then stop scheduling. */
  stop(timeoutMs?: number): Promise<void>;
  stats(): { flushes: number; updates: number; posts: number; rateLimited: number; failures: number };
}

interface Entry {
  id: string;
  dirty: boolean;
  timer?: unknown;
  inflight?: Promise<void>;
  lastFlushAt: number;
  notBefore: number;
  failures: number;
  ref?: SlackRef;
  /** The engine knows where the message is (setSlackRef succeeded). */
  refSaved: boolean;
  lastRendered?: string;
  /** A live message someone deleted: never adopt it again from the record. */
  deletedTs?: string;
  /** Undefined until the thread is initialised for this process. */
  auditCursor?: string;
  findingsPosted: boolean;
  lastError?: string;
  reportClaimed?: boolean;
  reportPosted?: boolean;
  /** The version this process last recorded as shown. */
  savedVersion?: number;
}

/** A post deferred to keep to about one chat.postMessage per channel per interval (Slack's limit). */
class Paced extends Error {
  constructor(readonly waitMs: number) {
    super(`paced for ${waitMs} ms`);
  }
}

const MAX_ENTRIES = 500;
const AUDIT_PAGE = 200;

export function createLiveMessages(opts: LiveMessagesOptions): LiveMessages {
  const clock = opts.clock ?? realClock;
  const minInterval = opts.minIntervalMs ?? 1000;
  const log = opts.logger ?? silentLogger;
  const entries = new Map<string, Entry>();
  const stats = { flushes: 0, updates: 0, posts: 0, rateLimited: 0, failures: 0 };
  let stopped = false;

  const entryFor = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) {
      e = {
        id,
        dirty: false,
        lastFlushAt: Number.NEGATIVE_INFINITY,
        notBefore: 0,
        failures: 0,
        findingsPosted: false,
        refSaved: false,
      };
      entries.set(id, e);
      if (entries.size > MAX_ENTRIES) {
        for (const [k, old] of entries) {
          if (!old.dirty && !old.timer && !old.inflight) {
            entries.delete(k);
            break;
          }
        }
      }
    }
    return e;
  };

  const schedule = (e: Entry, ignoreInterval = false) => {
    if (stopped && !ignoreInterval) return;
    if (!e.dirty || e.inflight || e.timer !== undefined) return;
    const now = clock.now();
    const at = Math.max(ignoreInterval ? now : e.lastFlushAt + minInterval, e.notBefore, now);
    e.timer = clock.setTimeout(() => {
      e.timer = undefined;
      run(e);
    }, at - now);
  };

  const run = (e: Entry) => {
    if (e.inflight || !e.dirty) return;
    e.dirty = false;
    e.lastFlushAt = clock.now();
    stats.flushes += 1;
    e.inflight = flush(e)
      .then(() => {
        e.failures = 0;
      })
      .catch((err: unknown) => {
        e.dirty = true;
        if (err instanceof Paced) {
          e.notBefore = clock.now() + err.waitMs;
          return;
        }
        if (err instanceof SlackRateLimited) {
          stats.rateLimited += 1;
          e.notBefore = clock.now() + err.retryAfterMs;
          log.warn(
            { migrationId: e.id, method: err.method, retryAfterMs: err.retryAfterMs },
            "slack rate limited; coalescing",
          );
          return;
        }
        stats.failures += 1;
        e.failures += 1;
        const permanent = err instanceof SlackPlatformError;
        if (permanent || e.failures > 8) {
          // Retrying the same request will not help; the next change of the migration redraws it.
          e.dirty = false;
          const hint =
            err instanceof SlackPlatformError && ["channel_not_found", "not_in_channel"].includes(err.error)
              ? "invite the bot to the environment's channel (/invite @hikkoshi)"
              : undefined;
          log.error(
            { migrationId: e.id, err: errorText(err), ...(hint ? { hint } : {}) },
            "live message update failed",
          );
          return;
        }
        e.notBefore = clock.now() + Math.min(30_000, 500 * 2 ** e.failures);
        log.warn(
          { migrationId: e.id, err: errorText(err), attempt: e.failures },
          "live message update failed; retrying",
        );
      })
      .finally(() => {
        e.inflight = undefined;
        schedule(e, stopped);
      });
  };

  const namesOf = createUserNames(
    (id) => opts.api.userName(id),
    () => clock.now(),
  );
  const lastPostAt = new Map<string, number>();
  const pacedPost = async (args: PostArgs) => {
    const wait = (lastPostAt.get(args.channel) ?? Number.NEGATIVE_INFINITY) + minInterval - clock.now();
    if (wait > 0) throw new Paced(wait);
    lastPostAt.set(args.channel, clock.now());
    const posted = await opts.api.postMessage(args);
    stats.posts += 1;
    return posted;
  };
  const postThread = (ref: SlackRef, text: string) =>
    pacedPost({ channel: ref.channel, threadTs: ref.ts, text });

  const latestAuditId = async (id: string): Promise<string> => {
    let cursor = "0";
    for (let page = 0; page < 50; page++) {
      const batch = await opts.commands.auditSince(id, cursor, AUDIT_PAGE);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1]!.id;
      if (batch.length < AUDIT_PAGE) break;
    }
    return cursor;
  };

  async function flush(e: Entry): Promise<void> {
    const view = await opts.commands.get(e.id);
    if (!view) return;
    const m = view.migration;
    const env = opts.config.environments[m.env];
    if (!env) {
      log.error(
        { migrationId: m.id, env: m.env },
        "migration of an environment not in the config; not rendered",
      );
      return;
    }
    const rendered = renderMigrationMessage(
      { ...view, settings: { approvalExpiresMinutes: env.approvalExpiresMinutes, fourEyes: env.fourEyes } },
      clock.now(),
    );
    const json = JSON.stringify(rendered);
    if (!e.ref && m.slack && m.slack.ts !== e.deletedTs) {
      // A message from before this process started: do not repeat its thread.
      e.ref = m.slack;
      e.refSaved = true;
      e.auditCursor = m.slack.threadCursor ?? (await latestAuditId(m.id));
      e.findingsPosted = true;
      e.lastError = m.error;
    }
    if (!e.ref) {
      const posted = await pacedPost({ channel: env.channel, text: rendered.text, blocks: rendered.blocks });
      e.ref = { channel: posted.channel, ts: posted.ts };
      e.refSaved = false;
      e.lastRendered = json;
      e.auditCursor = "0";
      log.info({ migrationId: m.id, channel: e.ref.channel, ts: e.ref.ts }, "live message posted");
    } else if (json !== e.lastRendered) {
      try {
        await opts.api.update({
          channel: e.ref.channel,
          ts: e.ref.ts,
          text: rendered.text,
          blocks: rendered.blocks,
        });
      } catch (err) {
        if (err instanceof SlackPlatformError && err.error === "message_not_found") {
          // Someone deleted the live message: post a new one next time.
          log.warn({ migrationId: m.id }, "live message was deleted; posting a new one");
          e.deletedTs = e.ref.ts;
          e.ref = undefined;
          e.refSaved = false;
          e.dirty = true;
          return;
        }
        throw err;
      }
      stats.updates += 1;
      e.lastRendered = json;
    }
    if (!e.refSaved && e.deletedTs !== undefined) {
      // Replacing a message someone deleted: overwrite the old reference.
      await opts.commands.setSlackRef(m.id, e.ref);
      e.refSaved = true;
    }
    if (!e.refSaved) {
      const winner = await opts.commands.claimSlackRef(m.id, e.ref);
      if (winner.ts !== e.ref.ts) {
        // Another bot process posted first: adopt its message and point ours at it.
        log.warn(
          { migrationId: m.id, ours: e.ref.ts, theirs: winner.ts },
          "another process owns the live message",
        );
        await opts.api
          .update({
            channel: e.ref.channel,
            ts: e.ref.ts,
            text: `Duplicate view of ${m.id}; the live message is the other one.`,
            blocks: [],
          })
          .catch(() => {});
        e.ref = winner;
        e.auditCursor = winner.threadCursor ?? (await latestAuditId(m.id));
        e.findingsPosted = true;
        e.lastRendered = undefined;
        e.dirty = true;
      }
      e.refSaved = true;
    }
    const ref = e.ref;
    // Remembered so a bot that restarts redraws a message left behind its record (e.g. a final update
    // held back by a 429 when the process stopped).
    if (e.lastRendered === json && m.slack?.renderedVersion !== m.version && e.savedVersion !== m.version) {
      await opts.commands.setRenderedVersion(m.id, m.version);
      e.savedVersion = m.version;
    }
    if (!e.findingsPosted && m.findings.length > 0) {
      await postThread(ref, findingsReply(m.findings));
      e.findingsPosted = true;
    }
    if (m.error && m.error !== e.lastError) {
      await postThread(ref, errorReply(m.error));
    }
    e.lastError = m.error;
    const fresh: AuditEntry[] = await opts.commands.auditSince(m.id, e.auditCursor ?? "0", AUDIT_PAGE);
    for (const reply of auditReplies(fresh, await namesOf(userIdsIn(fresh)))) {
      await postThread(ref, reply.text);
      e.auditCursor = reply.lastId;
      await opts.commands.setThreadCursor(m.id, reply.lastId);
    }
    if (fresh.length === AUDIT_PAGE) {
      e.dirty = true;
      return;
    }
    // The summary closes the thread, once, whichever bot process gets there first.
    // A claimed report is retried by this process until posted (a paced post throws and comes back).
    if (
      isTerminal(m.status) &&
      !e.reportPosted &&
      (e.reportClaimed || (await opts.commands.claimReport(m.id)))
    ) {
      e.reportClaimed = true;
      const report = await opts.commands.report(m.id);
      if (report)
        await postThread(
          ref,
          renderReport(report, await namesOf([report.startedBy, ...report.approvals.map((a) => a.by)])),
        );
      e.reportPosted = true;
    }
  }

  const busy = () => [...entries.values()].some((e) => e.dirty || e.inflight || e.timer !== undefined);

  return {
    notify(migrationId) {
      if (stopped) return;
      const e = entryFor(migrationId);
      e.dirty = true;
      schedule(e);
    },
    async idle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    },
    async stop(timeoutMs = 5000) {
      stopped = true;
      for (const e of entries.values()) {
        if (e.timer !== undefined && e.notBefore <= clock.now()) {
          clock.clearTimeout(e.timer);
          e.timer = undefined;
          run(e);
        }
      }
      const deadline = Date.now() + timeoutMs;
      const working = () =>
        [...entries.values()].some(
          (e) => e.inflight || (e.timer !== undefined && e.notBefore <= clock.now()),
        );
      while (Date.now() < deadline && working()) {
        await Promise.race([
          ...[...entries.values()].flatMap((e) => (e.inflight ? [e.inflight] : [])),
          new Promise((r) => setTimeout(r, 50)),
        ]);
      }
      for (const e of entries.values()) {
        if (e.timer !== undefined) clock.clearTimeout(e.timer);
        e.timer = undefined;
      }
    },
    stats: () => ({ ...stats }),
  };
}
