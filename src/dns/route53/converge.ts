// One idempotent DNS change: read the records (or take the last verified read, and guard the batch so
// Route 53 refuses it if they changed since), work out the batch that makes them what they should be,
// send it (nothing is sent when they already are), wait for INSYNC, and read back and verify unless the
// caller's own verify reads back. A transient failure of the change call re-reads before resending, so a
// retried or lost change never applies twice.

import type { DnsChangeReport } from "../../migration/ports.js";
import type { Logger } from "../../runtime/logger.js";
import { PermanentDnsError } from "../errors.js";
import { classify, exhaustedError } from "./errors.js";
import type { Route53Gateway } from "./gateway.js";
import type { KnownRecords } from "./knownRecords.js";
import { withZoneLock } from "./mutex.js";
import { PlanError } from "./plan.js";
import {
  cacheTtl,
  canonical,
  describeChanges,
  diffSets,
  guardedChanges,
  isTraffic,
  type RecordSet,
  setKey,
  sortSets,
} from "./records.js";
import { backoffMs, type RetryOptions, sleep } from "./retry.js";

export interface ConvergeRequest {
  zoneId: string;
  names: readonly string[];
  /** The traffic sets the names should have, given the ones they have. May throw PlanError. */
  desired(current: RecordSet[]): RecordSet[];
  /** What the change does, for the batch comment, logs and the report. */
  what: string;
  timeoutMs: number;
  /**
   * Read the names back after INSYNC and compare them byte for byte with what was written. Off only when
   * the caller's step verify reads them back anyway (the engine verifies every forward run).
   */
  readBack: boolean;
  /** Build the first batch from the last verified read of the names (KnownRecords) instead of a pre-read. */
  fromKnown?: boolean;
}

/** Changes submitted but not yet seen INSYNC, per zone: a retry that finds nothing to do waits for them. */
const unconfirmed = new Map<string, string>();

export class Converger {
  constructor(
    private readonly gw: Route53Gateway,
    private readonly retry: RetryOptions,
    private readonly log: Logger,
    private readonly known: KnownRecords,
  ) {}

  private async current(req: ConvergeRequest): Promise<RecordSet[]> {
    const sets = (await this.gw.readNames(req.zoneId, req.names)).filter(isTraffic);
    this.known.remember(req.zoneId, req.names, sets);
    return sets;
  }

  /** The last verified read, when it calls for a change (when it says there is none, a fresh read decides). */
  private knownNeedingChange(req: ConvergeRequest): RecordSet[] | undefined {
    if (!req.fromKnown) return undefined;
    const known = this.known.recall(req.zoneId, req.names);
    if (known === undefined || diffSets(known, this.plan(req, known)).length === 0) return undefined;
    return known;
  }

  private plan(req: ConvergeRequest, current: RecordSet[]): RecordSet[] {
    try {
      return req.desired(current);
    } catch (err) {
      if (err instanceof PlanError) throw new PermanentDnsError(err.message, err.fix, "PlanError");
      throw err;
    }
  }

  run(req: ConvergeRequest): Promise<DnsChangeReport> {
    return withZoneLock(req.zoneId, () => this.locked(req));
  }

  private async locked(req: ConvergeRequest): Promise<DnsChangeReport> {
    let lostResponse = false;
    let known = this.knownNeedingChange(req);
    for (let attempt = 1; ; attempt++) {
      const guarded = known !== undefined;
      const current = known ?? (await this.current(req));
      known = undefined;
      const desired = this.plan(req, current);
      const changes = guarded ? guardedChanges(current, desired) : diffSets(current, desired);
      if (changes.length === 0) return this.alreadyInPlace(req, current, lostResponse);
      const replaced = new Set(changes.map((c) => setKey(c.ResourceRecordSet!)));
      const old = current.filter((rs) => replaced.has(setKey(rs)));
      const maxTtlSeconds = Math.max(0, ...(old.length > 0 ? old : desired).map(cacheTtl));
      let submitted: { id: string; submittedAt: number };
      this.known.forget(req.zoneId);
      try {
        submitted = await this.gw.submit(req.zoneId, changes, `hikkoshi: ${req.what}`.slice(0, 256));
      } catch (err) {
        const c = classify(err, { op: "ChangeResourceRecordSets", zoneId: req.zoneId });
        if (guarded && c.kind === "permanent" && c.error.code === "InvalidChangeBatch") {
          // Nothing was applied: the records changed since the read the batch was built from.
          this.log.info({ zoneId: req.zoneId }, "route53 records changed since last read; planning again");
          continue;
        }
        if (c.kind === "permanent") throw c.error;
        if (attempt >= this.retry.maxAttempts) {
          // no `cause`: the SDK error carries the signed request, which has no place in logs
          const site = { op: "ChangeResourceRecordSets", zoneId: req.zoneId };
          this.log.warn(
            { zoneId: req.zoneId, attempt, code: c.code },
            `route53 change "${req.what}" gave up`,
          );
          throw exhaustedError(site, attempt, c.code, c.message);
        }
        lostResponse = lostResponse || !["Throttling", "PriorRequestNotComplete"].includes(c.code);
        const delayMs = backoffMs(attempt, this.retry);
        this.log.warn(
          { zoneId: req.zoneId, attempt, code: c.code, delayMs },
          "route53 change not accepted; re-reading before retrying",
        );
        await sleep(delayMs);
        continue;
      }
      unconfirmed.set(req.zoneId, submitted.id);
      const summary = `${req.what}: ${describeChanges(changes)}`;
      this.log.info(
        { zoneId: req.zoneId, changeId: submitted.id, changes: changes.length },
        `route53 change submitted: ${summary}`,
      );
      const insyncAt = await this.gw.waitInsync(submitted.id, req.timeoutMs);
      unconfirmed.delete(req.zoneId);
      if (req.readBack) await this.verify(req, desired, submitted.id);
      return { changeId: submitted.id, submittedAt: submitted.submittedAt, insyncAt, summary, maxTtlSeconds };
    }
  }

  private async alreadyInPlace(
    req: ConvergeRequest,
    current: RecordSet[],
    lostResponse: boolean,
  ): Promise<DnsChangeReport> {
    const now = Date.now();
    const pending = unconfirmed.get(req.zoneId);
    let insyncAt = now;
    if (pending !== undefined) {
      insyncAt = await this.gw.waitInsync(pending, req.timeoutMs);
      unconfirmed.delete(req.zoneId);
    }
    const note =
      lostResponse && pending === undefined
        ? " (the answer to the change was lost; INSYNC not confirmed)"
        : "";
    return {
      changeId: pending ?? "none",
      submittedAt: now,
      insyncAt,
      summary: `${req.what}: already in place${note}`,
      maxTtlSeconds: Math.max(0, ...current.map(cacheTtl)),
    };
  }

  /** Reads the names back and compares them with what was written, byte for byte (canonical JSON). */
  private async verify(req: ConvergeRequest, desired: RecordSet[], changeId: string): Promise<void> {
    const readBack = await this.current(req);
    const want = canonical(sortSets(desired));
    const got = canonical(sortSets(readBack));
    if (want !== got) {
      throw new Error(
        `Route 53 change ${changeId} is INSYNC but the records read back differ from what was written: want ${want}, got ${got}`,
      );
    }
  }
}
