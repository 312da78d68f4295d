// Job controller: a Job starts at once (status.active, startTime) and finishes `durationMs` of host-clock
// time later (Complete, or Failed when annotated so). Per-Job duration: annotation
// `sandbox.hikkoshi.dev/duration-ms`; outcome: `sandbox.hikkoshi.dev/outcome: Failed`.

import type { KubeApi, Target } from "../api.js";
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

export class JobSimulator {
  /** `namespace/name` → host-clock ms when the Job finishes. */
  private readonly deadlines = new Map<string, number>();

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
    const key = `${e.object.metadata?.namespace ?? ""}/${e.object.metadata?.name ?? ""}`;
    if (e.type === "DELETED") {
      this.deadlines.delete(key);
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
      this.deadlines.set(key, now + duration);
      this.defer(() =>
        this.write(e.object, { startTime: rfc3339(now), active: 1, ready: 0, uncountedTerminatedPods: {} }),
      );
    }
  }

  /** Finishes every Job whose time has come; returns how many finished. */
  tick(): number {
    const now = this.api.options.clock.now();
    let finished = 0;
    for (const [key, deadline] of this.deadlines) {
      if (deadline > now) continue;
      this.deadlines.delete(key);
      const [namespace, name] = key.split("/") as [string, string];
      const def = this.def;
      const job = def && this.api.store.get("batch/jobs", namespace, name);
      if (!job) continue;
      const at = rfc3339(now);
      const failed = job.metadata?.annotations?.[OUTCOME_ANNOTATION] === "Failed";
      const start = getString(job, ["status", "startTime"]) ?? at;
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
      finished++;
    }
    return finished;
  }

  private write(job: KubeObject, status: JsonObject): void {
    const def = this.def;
    if (!def) return;
    const t: Target = {
      def,
      version: "v1",
      namespace: job.metadata?.namespace,
      name: job.metadata?.name,
      subresource: "status",
    };
    const cur = this.api.store.get("batch/jobs", t.namespace, t.name ?? "");
    if (cur) this.api.update(t, { ...cur, status });
  }
}
