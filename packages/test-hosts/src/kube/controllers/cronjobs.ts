// CronJob controller with kube-controller-manager's semantics (cronjob_controllerv2): schedules from
// `lastScheduleTime` or else `creationTimestamp`, the most recent missed schedule runs at once after an
// unsuspend unless `startingDeadlineSeconds` says it is too old, concurrencyPolicy, history limits.

import type { KubeApi, Target } from "../api.js";
import { KubeError } from "../errors.js";
import { type ResourceDef, resourceKey } from "../resources.js";
import type { ChangeEvent } from "../store.js";
import {
  clone,
  getBool,
  getNumber,
  getString,
  isObject,
  type JsonObject,
  jsonEqual,
  type KubeObject,
  rfc3339,
} from "../types.js";
import { TimerController } from "./controller.js";
import { isJobFinished, JobSimulator } from "./jobs.js";
import { createScheduledJob, mostRecentSchedule, nextSchedule } from "./schedule.js";

export { mostRecentSchedule, nextSchedule } from "./schedule.js";

export interface CronJobEvent {
  host: string;
  namespace: string;
  cronJob: string;
  job: string;
  /** The schedule time this run is for (RFC 3339, like the Job's scheduled-timestamp annotation). */
  scheduledTime: string;
  scheduledMs: number;
  /** Host-clock ms when the Job was created. */
  actualTime: number;
  /** Wall-clock ms when the Job was created. */
  wallTime: number;
}

export interface CronJobControllerOptions {
  /** Real ms between passes over due CronJobs and Jobs. Default 20. */
  tickMs?: number;
  /** Host-clock ms a Job runs before completing. Default 1000. */
  jobDurationMs?: number;
  /** kube-controller-manager's local time zone, used for CronJobs without spec.timeZone. Default UTC. */
  timeZone?: string;
}

export class CronJobController extends TimerController {
  readonly events: CronJobEvent[] = [];
  private readonly jobs: JobSimulator;
  /** `namespace/name` → host-clock ms of the next pass needed. */
  private readonly due = new Map<string, number>();
  private readonly queued = new Set<string>();

  constructor(
    api: KubeApi,
    readonly hostName: string,
    readonly options: CronJobControllerOptions,
  ) {
    super(api);
    this.jobs = new JobSimulator(api, options.jobDurationMs ?? 1000, (fn) => this.after(0, fn));
  }

  private get def(): ResourceDef | undefined {
    return this.api.registry.byKey("batch/cronjobs");
  }

  protected override onStart(): void {
    for (const cj of this.api.store.list("batch/cronjobs")) this.enqueue(cj);
    this.every(this.options.tickMs ?? 20, () => this.tick());
  }

  protected override onChange(e: ChangeEvent): void {
    this.jobs.onChange(e);
    if (e.resource === "batch/cronjobs") {
      const key = `${e.object.metadata?.namespace ?? ""}/${e.object.metadata?.name ?? ""}`;
      if (e.type === "DELETED") this.due.delete(key);
      else this.enqueue(e.object);
    } else if (e.resource === "batch/jobs") {
      const owner = e.object.metadata?.ownerReferences?.find((r) => r.kind === "CronJob" && r.controller);
      const ns = e.object.metadata?.namespace;
      if (owner && ns) {
        const cj = this.api.store.get("batch/cronjobs", ns, owner.name);
        if (cj) this.enqueue(cj);
      }
    }
  }

  private enqueue(cj: KubeObject): void {
    const key = `${cj.metadata?.namespace ?? ""}/${cj.metadata?.name ?? ""}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.after(0, () => {
      this.queued.delete(key);
      this.syncKey(key);
    });
  }

  /** One pass now: finishes due Jobs and syncs due CronJobs (for tests driving a ManualClock). */
  tick(): void {
    this.jobs.tick();
    const now = this.api.options.clock.now();
    for (const [key, at] of this.due) if (at <= now) this.syncKey(key);
  }

  /** Syncs every CronJob at once. */
  syncAll(): void {
    this.jobs.tick();
    for (const cj of this.api.store.list("batch/cronjobs"))
      this.syncKey(`${cj.metadata?.namespace ?? ""}/${cj.metadata?.name ?? ""}`);
  }

  private syncKey(key: string): void {
    const [namespace, name] = key.split("/") as [string, string];
    const cj = this.api.store.get("batch/cronjobs", namespace, name);
    if (!cj) {
      this.due.delete(key);
      return;
    }
    try {
      this.sync(key, cj);
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      this.due.set(key, this.api.options.clock.now() + 1000);
    }
  }

  private sync(key: string, cj: KubeObject): void {
    const def = this.def;
    if (!def || cj.metadata?.deletionTimestamp) return;
    const now = this.api.options.clock.now();
    const namespace = cj.metadata?.namespace ?? "";
    const status: JsonObject = isObject(cj.status) ? clone(cj.status) : {};
    const active = this.reconcileActive(cj, status);
    this.cleanupHistory(cj);
    const schedule = getString(cj, ["spec", "schedule"]) ?? "";
    const tz = getString(cj, ["spec", "timeZone"]) ?? this.options.timeZone ?? "UTC";
    this.due.delete(key);
    if (getBool(cj, ["spec", "suspend"]) === true) {
      this.writeStatus(def, cj, status);
      return;
    }
    const sds = getNumber(cj, ["spec", "startingDeadlineSeconds"]);
    const last = getString(cj, ["status", "lastScheduleTime"]);
    let earliest = Date.parse(last ?? cj.metadata?.creationTimestamp ?? "");
    if (!Number.isFinite(earliest)) earliest = now;
    if (sds !== undefined && now - sds * 1000 > earliest) earliest = now - sds * 1000;
    let scheduled: number | undefined;
    try {
      scheduled = mostRecentSchedule(schedule, tz, earliest, now);
      this.due.set(key, nextSchedule(schedule, tz, now));
    } catch {
      this.writeStatus(def, cj, status);
      return;
    }
    const tooLate = scheduled !== undefined && sds !== undefined && scheduled + sds * 1000 < now;
    const policy = getString(cj, ["spec", "concurrencyPolicy"]) ?? "Allow";
    if (scheduled === undefined || tooLate || (policy === "Forbid" && active.length > 0)) {
      if (policy === "Forbid" && active.length > 0 && scheduled !== undefined) this.due.set(key, now + 100);
      this.writeStatus(def, cj, status);
      return;
    }
    if (policy === "Replace") {
      const jobDef = this.api.registry.byKey("batch/jobs");
      for (const j of active) if (jobDef) this.api.removeObject(jobDef, j);
      status.active = [];
    }
    const job = createScheduledJob(this.api, cj, scheduled, schedule);
    if (job) {
      const refs = Array.isArray(status.active) ? status.active : [];
      refs.push({
        kind: "Job",
        namespace,
        name: job.metadata?.name ?? "",
        uid: job.metadata?.uid ?? "",
        apiVersion: "batch/v1",
        resourceVersion: job.metadata?.resourceVersion ?? "",
      });
      status.active = refs;
      this.events.push({
        host: this.hostName,
        namespace,
        cronJob: cj.metadata?.name ?? "",
        job: job.metadata?.name ?? "",
        scheduledTime: rfc3339(scheduled),
        scheduledMs: scheduled,
        actualTime: now,
        wallTime: Date.now(),
      });
    }
    status.lastScheduleTime = rfc3339(scheduled);
    this.writeStatus(def, cj, status);
  }

  /** Drops finished or vanished Jobs from status.active; records lastSuccessfulTime. */
  private reconcileActive(cj: KubeObject, status: JsonObject): KubeObject[] {
    const refs = Array.isArray(status.active) ? status.active : [];
    const namespace = cj.metadata?.namespace ?? "";
    const still: JsonObject[] = [];
    const jobs: KubeObject[] = [];
    for (const ref of refs) {
      if (!isObject(ref)) continue;
      const job = this.api.store.get("batch/jobs", namespace, getString(ref, ["name"]) ?? "");
      if (!job || job.metadata?.uid !== getString(ref, ["uid"])) continue;
      const done = isJobFinished(job);
      if (done === "Complete") {
        const completed = getString(job, ["status", "completionTime"]);
        const prev = getString(status, ["lastSuccessfulTime"]);
        if (completed && (!prev || completed > prev)) status.lastSuccessfulTime = completed;
      }
      if (done) continue;
      still.push(ref);
      jobs.push(job);
    }
    if (still.length > 0) status.active = still;
    else delete status.active;
    return jobs;
  }

  private cleanupHistory(cj: KubeObject): void {
    const jobDef = this.api.registry.byKey("batch/jobs");
    if (!jobDef) return;
    const uid = cj.metadata?.uid;
    const owned = this.api.store.filter(
      "batch/jobs",
      (j) =>
        j.metadata?.namespace === cj.metadata?.namespace &&
        (j.metadata?.ownerReferences?.some((r) => r.uid === uid) ?? false),
    );
    const byOutcome = (o: "Complete" | "Failed") =>
      owned
        .filter((j) => isJobFinished(j) === o)
        .sort((a, b) =>
          (getString(a, ["status", "startTime"]) ?? "").localeCompare(
            getString(b, ["status", "startTime"]) ?? "",
          ),
        );
    const limits: Array<["Complete" | "Failed", number]> = [
      ["Complete", getNumber(cj, ["spec", "successfulJobsHistoryLimit"]) ?? 3],
      ["Failed", getNumber(cj, ["spec", "failedJobsHistoryLimit"]) ?? 1],
    ];
    for (const [outcome, limit] of limits) {
      const list = byOutcome(outcome);
      for (const j of list.slice(0, Math.max(0, list.length - limit))) this.api.removeObject(jobDef, j);
    }
  }

  private writeStatus(def: ResourceDef, cj: KubeObject, status: JsonObject): void {
    if (jsonEqual(cj.status ?? {}, status)) return;
    const t: Target = {
      def,
      version: "v1",
      namespace: cj.metadata?.namespace,
      name: cj.metadata?.name,
      subresource: "status",
    };
    const cur = this.api.store.get(resourceKey(def), t.namespace, t.name ?? "");
    if (!cur) return;
    this.api.update(t, { ...cur, status });
  }
}
