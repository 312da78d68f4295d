// Job controller: a Job starts at once (status.active, startTime) and finishes `durationMs` of host-clock
// time later (Complete, or Failed when annotated so). Per-Job duration: annotation
// `sandbox.hikkoshi.dev/duration-ms`; outcome: `sandbox.hikkoshi.dev/outcome: Failed`.

import type { KubeApi, Target } from "../api.js";
import { KubeError } from "../errors.js";
import type { ResourceDef } from "../resources.js";
import type { ChangeEvent } from "../store.js";
import { getIn, getString, type JsonObject, type KubeObject, rfc3339 } from "../types.js";

export const DURATION_ANNOTATION = "sandbox.hikkoshi.dev/duration-ms";
export const OUTCOME_ANNOTATION = "sandbox.hikkoshi.dev/outcome";

export function isJobFinished(job: KubeObject): "Complete" | "Failed" | undefined {
  const conds = getIn(job, ["status", "conditions"]);
  if (!Array.isArray(conds)) return undefined;
  for (const c of conds) {
    const type = getString(c, ["type"]);
    if ((type === "Complete" || type === "Failed") && getString(c, ["status"]) === "True") return type;
  }
  return undefined;
}

/** A Job the simulator runs: which object (a re-created Job of the same name is another run), when. */
interface Run {
  uid: string;
  /** Host-clock ms of the Job's start (its creation). */
  startMs: number;
  /** Host-clock ms when the Job finishes. */
  deadline: number;
}

export class JobSimulator {
  /** `namespace/name` → the Job's run, until it has finished. */
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly api: KubeApi,
    private readonly defaultDurationMs: number,
    private readonly defer: (fn: () => void) => void,
  ) {}

  private get def(): ResourceDef | undefined {
    return this.api.registry.byKey("batch/jobs");
  }

  onChange(e: ChangeEvent): void {
    if (e.resource !== "batch/jobs") return;
    const namespace = e.object.metadata?.namespace ?? "";
    const name = e.object.metadata?.name ?? "";
    const key = `${namespace}/${name}`;
    if (e.type === "DELETED") {
      if (this.runs.get(key)?.uid === e.object.metadata?.uid) this.runs.delete(key);
      return;
    }
    if (
      e.type === "ADDED" &&
      !isJobFinished(e.object) &&
      getIn(e.object, ["status", "startTime"]) === undefined
    ) {
      const now = this.api.options.clock.now();
      const annotated = Number(e.object.metadata?.annotations?.[DURATION_ANNOTATION]);
      const duration = Number.isFinite(annotated) && annotated >= 0 ? annotated : this.defaultDurationMs;
      const uid = e.object.metadata?.uid ?? "";
      this.runs.set(key, { uid, startMs: now, deadline: now + duration });
      // Deferred (the creating request returns the Job without status, as the apiserver does), so it may
      // run after tick() has already started and finished the Job: start() re-reads and then does nothing.
      this.defer(() => this.start(namespace, name, uid));
    }
  }

  /**
   * Writes the start status (`startTime`, `active: 1`) of the Job `uid`, unless it is gone, re-created,
   * already started or already finished. Returns the current Job, or undefined when it is gone.
   */
  private start(namespace: string, name: string, uid: string): KubeObject | undefined {
    const cur = this.api.store.get("batch/jobs", namespace, name);
    if (!cur || cur.metadata?.uid !== uid) return undefined;
    if (isJobFinished(cur) || getIn(cur, ["status", "startTime"]) !== undefined) return cur;
    const run = this.runs.get(`${namespace}/${name}`);
    if (!run || run.uid !== uid) return cur;
    const status: JsonObject = {
      startTime: rfc3339(run.startMs),
      active: 1,
      ready: 0,
      uncountedTerminatedPods: {},
    };
    return this.write(cur, status);
  }

  /** Finishes every started Job whose time has come (starting it first if needed); returns how many. */
  tick(): number {
    const now = this.api.options.clock.now();
    let finished = 0;
    for (const [key, run] of this.runs) {
      if (run.deadline > now) continue;
      const [namespace, name] = key.split("/") as [string, string];
      try {
        if (this.finish(namespace, name, run, now)) finished++;
        this.runs.delete(key);
      } catch (e) {
        if (!(e instanceof KubeError)) throw e;
        // keeps the run: the next pass retries
      }
    }
    return finished;
  }

  /** Finishes the Job of `run` (true), or finds it gone, re-created or already finished (false). */
  private finish(namespace: string, name: string, run: Run, now: number): boolean {
    // Only a started Job finishes: one whose deferred start write has not run yet is started here first
    // (that write then finds it started, or finished, and does nothing).
    const job = this.start(namespace, name, run.uid);
    if (!job || isJobFinished(job) || getIn(job, ["status", "startTime"]) === undefined) return false;
    const at = rfc3339(now);
    const start = getString(job, ["status", "startTime"]) ?? rfc3339(run.startMs);
    const failed = job.metadata?.annotations?.[OUTCOME_ANNOTATION] === "Failed";
    const status: JsonObject = failed
      ? {
          startTime: start,
          failed: 1,
          conditions: [
            {
              type: "FailureTarget",
              status: "True",
              reason: "BackoffLimitExceeded",
              message: "Job has reached the specified backoff limit",
              lastProbeTime: at,
              lastTransitionTime: at,
            },
            {
              type: "Failed",
              status: "True",
              reason: "BackoffLimitExceeded",
              message: "Job has reached the specified backoff limit",
              lastProbeTime: at,
              lastTransitionTime: at,
            },
          ],
        }
      : {
          startTime: start,
          completionTime: at,
          succeeded: 1,
          ready: 0,
          conditions: [
            {
              type: "SuccessCriteriaMet",
              status: "True",
              reason: "CompletionsReached",
              message: "Reached expected number of succeeded pods",
              lastProbeTime: at,
              lastTransitionTime: at,
            },
            {
              type: "Complete",
              status: "True",
              reason: "CompletionsReached",
              message: "Reached expected number of succeeded pods",
              lastProbeTime: at,
              lastTransitionTime: at,
            },
          ],
        };
    this.write(job, status);
    return true;
  }

  /** Replaces the status of `cur` (the Job as stored now); returns the Job as stored after the write. */
  private write(cur: KubeObject, status: JsonObject): KubeObject | undefined {
    const def = this.def;
    if (!def) return cur;
    const namespace = cur.metadata?.namespace;
    const name = cur.metadata?.name ?? "";
    const t: Target = { def, version: "v1", namespace, name, subresource: "status" };
    this.api.update(t, { ...cur, status });
    return this.api.store.get("batch/jobs", namespace, name);
  }
}
