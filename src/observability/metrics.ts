// hikkoshi's Prometheus metrics (prom-client), one registry per engine so two engines in one process (the
// tests, the sandbox) never share counters. Names are prefixed `hikkoshi_`; labels are bounded sets
// (environments, step kinds, outcomes), never migration ids or resource names.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { HandoffReport } from "../migration/ports.js";
import type { Migration } from "../migration/types.js";
import { onExternalCall } from "./externalCalls.js";
import { type Observation, observeTransition } from "./migrationObservations.js";

/** Job counts by BullMQ state, read at scrape time. */
export type QueueCounts = () => Promise<Record<string, number>>;

export interface MetricsSources {
  queueCounts?: QueueCounts;
  /** The handoff report of a migration, for the per-resource gap histogram. */
  handoffReport?: (migrationId: string) => Promise<HandoffReport | undefined>;
}

const QUEUE_STATES = ["waiting", "delayed", "prioritized", "active", "failed"] as const;

export class HikkoshiMetrics {
  readonly registry = new Registry();
  private readonly started: Counter<"environment">;
  private readonly finished: Counter<"environment" | "outcome">;
  private readonly stepDuration: Histogram<"step" | "outcome">;
  private readonly gateWait: Histogram<"gate">;
  private readonly rollbacks: Counter<"environment" | "point">;
  private readonly handoffGap: Histogram<string>;
  private readonly calls: Counter<"service" | "outcome">;
  private readonly unsubscribe: () => void;
  private sources: MetricsSources = {};

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.started = new Counter({
      name: "hikkoshi_migrations_started_total",
      help: "Migrations started, by environment",
      labelNames: ["environment"],
      registers,
    });
    this.finished = new Counter({
      name: "hikkoshi_migrations_finished_total",
      help: "Migrations that reached a terminal state, by environment and outcome (completed, rolled-back, blocked, aborted)",
      labelNames: ["environment", "outcome"],
      registers,
    });
    this.stepDuration = new Histogram({
      name: "hikkoshi_step_duration_seconds",
      help: "Time from a step's start to its end, by step kind and outcome",
      labelNames: ["step", "outcome"],
      buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    this.gateWait = new Histogram({
      name: "hikkoshi_gate_wait_seconds",
      help: "Time a gate waited for its approval",
      labelNames: ["gate"],
      buckets: [10, 60, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600, 86_400],
      registers,
    });
    this.rollbacks = new Counter({
      name: "hikkoshi_rollbacks_total",
      help: "Rollbacks requested, by environment and the step the migration was at",
      labelNames: ["environment", "point"],
      registers,
    });
    this.handoffGap = new Histogram({
      name: "hikkoshi_handoff_gap_seconds",
      help: "Per duplication-forbidden resource: time between stopped on the source and started on the target",
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.calls = new Counter({
      name: "hikkoshi_external_calls_total",
      help: "Requests to Slack, Kubernetes and Route 53 (every attempt), by outcome: ok, throttled, 5xx, timeout, 4xx, network, error",
      labelNames: ["service", "outcome"],
      registers,
    });
    const queueJobs = new Gauge({
      name: "hikkoshi_queue_jobs",
      help: "Step jobs in the BullMQ queue, by state (waiting + delayed + prioritized = depth)",
      labelNames: ["state"],
      registers,
      collect: async () => {
        const read = this.sources.queueCounts;
        if (!read) return;
        const counts = await read();
        for (const s of QUEUE_STATES) queueJobs.set({ state: s }, counts[s] ?? 0);
      },
    });
    this.unsubscribe = onExternalCall((service, outcome) => this.calls.inc({ service, outcome }));
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "hikkoshi_" });
  }

  setSources(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Hook for the store: called after each committed transition (`before` undefined on create). */
  readonly onCommit = (before: Migration | undefined, after: Migration): void => {
    for (const o of observeTransition(before, after)) this.apply(o);
  };

  private apply(o: Observation): void {
    switch (o.type) {
      case "migration-started":
        this.started.inc({ environment: o.env });
        return;
      case "migration-finished":
        this.finished.inc({ environment: o.env, outcome: o.outcome });
        return;
      case "step-finished":
        this.stepDuration.observe({ step: o.step, outcome: o.outcome }, o.seconds);
        return;
      case "gate-waited":
        this.gateWait.observe({ gate: o.gate }, o.seconds);
        return;
      case "rollback-requested":
        this.rollbacks.inc({ environment: o.env, point: o.point });
        return;
      case "handoff-finished": {
        const read = this.sources.handoffReport;
        if (!read) return;
        void read(o.migrationId).then(
          (report) => {
            for (const g of report?.gaps ?? []) this.handoffGap.observe(g.gapMs / 1000);
          },
          () => {},
        );
        return;
      }
    }
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.unsubscribe();
  }
}
