// The ports the engine needs from the outside world. src/k8s, src/dns and src/checks implement them;
// tests and the sandbox use the same implementations against test hosts. Every value crossing a port is
// plain JSON, because snapshots are stored with the migration in Redis.

import type { ClusterConfig, EnvironmentConfig, HttpCheck } from "../config/schema.js";
import type { Finding } from "./types.js";

export type ProgressFn = (done: number, total: number, unit: string, note?: string) => void;

/** What every port call knows about the migration it serves. */
export interface EnvContext {
  migrationId: string;
  envName: string;
  env: EnvironmentConfig;
  source: ClusterConfig;
  target: ClusterConfig;
}

/** The answer of a read-back (a step's `verify`, a port's `verify*`): the world is as the change left it, or how it differs. */
export type Verification = { ok: true } | { ok: false; reason: string };

// ---------------------------------------------------------------- Kubernetes (src/k8s)

export interface BackupReport {
  name: string;
  phase: string;
  itemsBackedUp: number;
  totalItems: number;
  errors: number;
  warnings: number;
  failureReason?: string;
  describeCommand: string;
  /** Earlier attempts that failed (a retry gets a new name), kept for `velero backup describe`. */
  failedAttempts?: VeleroFailedAttempt[];
}

/** A Velero Backup or Restore that failed and was retried under a new name; it stays for inspection. */
export interface VeleroFailedAttempt {
  name: string;
  phase: string;
  reason?: string;
  describeCommand: string;
}

export interface RestoreReport {
  restores: Array<{
    name: string;
    phase: string;
    itemsRestored: number;
    totalItems: number;
    errors: number;
    warnings: number;
    failureReason?: string;
    describeCommand: string;
  }>;
  /** The target's load-balancer hostname, read from its ingress Service status after the restore. */
  targetIngressHostname: string;
  /** Restores that failed and were retried under a new name. */
  failedAttempts?: VeleroFailedAttempt[];
}

export interface ReadinessReport {
  ready: number;
  total: number;
  /** `kind namespace/name: reason` for each workload not ready when the wait ended. */
  notReady: string[];
}

/** Original state of every duplication-forbidden resource, taken once before the handoff changes anything. */
export interface ForbiddenSnapshot {
  takenAt: number;
  cronJobs: Array<{
    namespace: string;
    name: string;
    source: { suspend: boolean; startingDeadlineSeconds: number | null } | null;
    target: { suspend: boolean; startingDeadlineSeconds: number | null } | null;
    /** The source's schedule and zone (for missed runs and the gap budget); absent in older snapshots. */
    schedule?: string;
    timeZone?: string;
    /** `run-once` when labelled `hikkoshi.dev/missed-run=run-once`: one catch-up run on the target. */
    missedRun?: "skip" | "run-once";
  }>;
  deployments: Array<{
    namespace: string;
    name: string;
    sourceReplicas: number | null;
    targetReplicas: number | null;
  }>;
}

export interface HandoffReport {
  cronJobsMoved: number;
  deploymentsMoved: number;
  /**
   * Per resource: ms between "stopped on source" and "started on target", from the moments recorded on
   * the objects themselves (annotations), so a worker crash does not shorten them.
   */
  gaps: Array<{ resource: string; gapMs: number; stoppedAt?: number; startedAt?: number }>;
  requests: number;
  /** Schedule times that fell inside a gap: lost on both clusters, or run once on the target. */
  missedRuns?: Array<{
    resource: string;
    scheduledAt: number;
    timeZone: string;
    outcome: "lost" | "runs-on-target";
    why?: string;
  }>;
  /** The gap budget (default: the shortest schedule period among the forbidden CronJobs). */
  gapBudgetMs?: number;
  /** `resource: why` for each resource whose gap exceeded the budget. */
  overBudget?: string[];
}

/** Side channel of a running handoff: notes for the migration's thread (budget warnings). */
export interface HandoffEvents {
  note(detail: string): Promise<void> | void;
}

export interface WorkloadSnapshot {
  takenAt: number;
  workloads: Array<{ kind: "Deployment" | "StatefulSet"; namespace: string; name: string; replicas: number }>;
}

/** The GitOps controllers hikkoshi pauses while they would undo the migration (src/k8s/gitops). */
export type GitOpsKind = "Application" | "Kustomization" | "HelmRelease";
/** What a controller would revert: the handoff (forbidden resources) or the decommission (replicas). */
export type GitOpsFight = "handoff" | "decommission";

export interface GitOpsPause {
  side: "source" | "target";
  kind: GitOpsKind;
  namespace: string;
  name: string;
  fights: GitOpsFight[];
  /** Resources it manages that the migration changes (`CronJob ops/ledger-close`), capped. */
  manages: string[];
  /** Argo CD: `spec.syncPolicy.automated` as it was; Flux: `spec.suspend` (null: the field was absent). */
  original: { field: "automated"; value: unknown } | { field: "suspend"; value: boolean | null };
}

/** The controllers to pause and their original settings, taken once before the first pause. */
export interface GitOpsSnapshot {
  takenAt: number;
  pauses: GitOpsPause[];
}

/** A controller as it is now against its pause: paused, back to its original, something else, or deleted. */
export interface GitOpsState {
  pause: GitOpsPause;
  state: "paused" | "original" | "changed" | "gone";
}

/** A forbidden resource on the source that became active again and was stopped by the guard. */
export interface GuardStop {
  /** `CronJob ops/ledger-close`. */
  resource: string;
  /** The field manager of the newest write to the object (from managedFields), or `unknown`. */
  manager: string;
  resourceVersion: string;
  at: number;
}

export interface ClusterPort {
  /** Probes both clusters; never changes anything. */
  preflight(ctx: EnvContext): Promise<Finding[]>;
  /** What a migration would move, for `plan` (counts per kind, forbidden ones listed). */
  inventory(ctx: EnvContext): Promise<InventorySummary>;
  /** Creates the Velero Backup if absent (name is deterministic), waits for a terminal phase. */
  backup(
    ctx: EnvContext,
    backupName: string,
    progress: ProgressFn,
    signal: AbortSignal,
  ): Promise<BackupReport>;
  /** Restores tolerant resources, then forbidden ones suspended; idempotent; waits for terminal phases. */
  restore(
    ctx: EnvContext,
    backupName: string,
    progress: ProgressFn,
    signal: AbortSignal,
  ): Promise<RestoreReport>;
  waitReady(ctx: EnvContext, progress: ProgressFn, signal: AbortSignal): Promise<ReadinessReport>;
  snapshotForbidden(ctx: EnvContext): Promise<ForbiddenSnapshot>;
  /** Suspend on source, wait for active Jobs, resume on target without a catch-up run. Idempotent. */
  handoff(
    ctx: EnvContext,
    snapshot: ForbiddenSnapshot,
    progress: ProgressFn,
    signal: AbortSignal,
    events?: HandoffEvents,
  ): Promise<HandoffReport>;
  /** Mirror of handoff: suspend on target first, then restore source's original flags and replicas. */
  revertHandoff(ctx: EnvContext, snapshot: ForbiddenSnapshot, progress: ProgressFn): Promise<void>;
  snapshotWorkloads(ctx: EnvContext): Promise<WorkloadSnapshot>;
  /** Scale source workloads to 0 and label the source retired. Idempotent. */
  decommission(ctx: EnvContext, snapshot: WorkloadSnapshot, progress: ProgressFn): Promise<void>;
  revertDecommission(ctx: EnvContext, snapshot: WorkloadSnapshot, progress: ProgressFn): Promise<void>;
  /** The GitOps controllers on both clusters that would revert `fight`, with their settings now. Reads only. */
  snapshotGitOps(ctx: EnvContext, fight: GitOpsFight): Promise<GitOpsSnapshot>;
  /** Turns automated sync off (Argo CD) or sets `spec.suspend` (Flux) on each; idempotent; returns those changed. */
  pauseGitOps(ctx: EnvContext, pauses: readonly GitOpsPause[]): Promise<string[]>;
  /** Writes each original setting back; idempotent; returns those changed. */
  resumeGitOps(ctx: EnvContext, pauses: readonly GitOpsPause[]): Promise<string[]>;
  /** Reads each controller back (for the GitOps steps' verify). */
  readGitOps(ctx: EnvContext, pauses: readonly GitOpsPause[]): Promise<GitOpsState[]>;
  /** Stops every duplication-forbidden resource that is active on the source again; idempotent. */
  guardSource(ctx: EnvContext): Promise<GuardStop[]>;
  /** The cluster's current ingress load-balancer hostname (config value, else the Service status). */
  ingressHostname(cluster: ClusterConfig, env: EnvironmentConfig): Promise<string | undefined>;
}

export interface InventorySummary {
  counts: Record<string, number>;
  forbidden: string[];
  tolerant: number;
}

// ---------------------------------------------------------------- Traffic (src/dns, one folder per provider)
// The domain speaks clusters, load-balancer hostnames, weights and an opaque snapshot it stores and hands
// back. Record shapes, TTL fields and alias rules belong to the provider (src/dns/<provider>), which also
// checks its own work: every change has a read-back (`verify*`), as Argo Rollouts' traffic routers do.

/** What the names looked like before a change, as the provider read them; stored with the migration. */
export interface DnsSnapshot {
  takenAt: number;
  /** The provider that took it (e.g. `route53`); a provider refuses another's snapshot. */
  provider: string;
  /** How long a resolver may cache an answer from these records, by the provider's rules. */
  ttlSeconds: number;
  /** The provider's exact record of the names (plain JSON). The domain never reads it. */
  state: unknown;
}

export interface DnsChangeReport {
  changeId: string;
  submittedAt: number;
  /** When the provider serves the change everywhere (Route 53: INSYNC). */
  insyncAt: number;
  summary: string;
  /** How long resolvers may still hold the answers the change replaced (drain time). */
  maxTtlSeconds: number;
}

export interface DnsPointing {
  /** Cluster name the records point at (all of them), or undefined if mixed/unknown. */
  cluster?: string;
  /** Per-record description, e.g. `www.example.com → production-20251101 (100%)`. */
  detail: string[];
  /** Current weight to the target (0..100) when weighted, 100/0 for a CNAME. */
  targetWeight?: number;
  /** The read this answer was made from, for `preflight` seconds later (stored with the migration). */
  read?: DnsRead;
}

/**
 * A read of the names as the provider made it (for `pointing`), opaque like DnsSnapshot: the engine stores
 * it and hands it to `preflight`, which uses it instead of reading again only while it is recent, and only
 * if it is the provider's own and for the same zone and names; anything else is ignored (a fresh read).
 */
export interface DnsRead {
  takenAt: number;
  provider: string;
  /** Plain JSON; the domain never reads it. */
  state: unknown;
}

/** `weight` percent of the traffic to the target's load balancer, the rest to the source's. */
export interface TrafficSplit {
  sourceHostname: string;
  targetHostname: string;
  /** Whole percent, 0..100. */
  weight: number;
}

/**
 * Errors: a provider throws PermanentDnsError-like errors (`permanent: true`, a `fix`) for what a person
 * must correct, and plain errors for what a retry may cure; a transient error that outlasted the
 * provider's own retries (throttling, an outage) also carries a `fix` ("try again in a minute; ..."), so a
 * command can answer with the cause instead of an internal error.
 */
export interface TrafficPort {
  /** `recent`: the read `pointing` returned moments ago (used only if still fresh; see DnsRead). */
  preflight(ctx: EnvContext, targetHostname: string | undefined, recent?: DnsRead): Promise<Finding[]>;
  /** Which configured cluster the records currently point at (for target selection and invariants). */
  pointing(ctx: EnvContext, clusters: Array<{ name: string; hostname?: string }>): Promise<DnsPointing>;
  snapshot(ctx: EnvContext): Promise<DnsSnapshot>;
  /** Set every record's TTL (keeping its target), wait until served, read back. */
  setTtl(ctx: EnvContext, ttlSeconds: number): Promise<DnsChangeReport>;
  /** Reads back: every record that has a TTL of its own has `ttlSeconds`. */
  verifyTtl(ctx: EnvContext, ttlSeconds: number): Promise<Verification>;
  /**
   * Send `split.weight` percent to the target, the rest to the source, starting from the snapshot's form
   * (cnameSwap: weight 100). One atomic change for all names; waits until served; reads back.
   */
  setWeight(ctx: EnvContext, snapshot: DnsSnapshot, split: TrafficSplit): Promise<DnsChangeReport>;
  /** Reads back: every name sends `split.weight` percent to the target and the rest to the source. */
  verifyWeight(ctx: EnvContext, split: TrafficSplit): Promise<Verification>;
  /** Write back the exact snapshot in one change, wait until served, read back byte for byte. */
  restore(ctx: EnvContext, snapshot: DnsSnapshot): Promise<DnsChangeReport>;
  /** Reads back: the names are exactly as in the snapshot. */
  verifyRestored(ctx: EnvContext, snapshot: DnsSnapshot): Promise<Verification>;
}

// ---------------------------------------------------------------- HTTP checks (src/checks)

export interface CheckResult {
  name: string;
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
  ms: number;
}

export interface CheckPort {
  run(checks: HttpCheck[], vars: Record<string, string>, signal: AbortSignal): Promise<CheckResult[]>;
}

export interface Ports {
  clusters: ClusterPort;
  traffic: TrafficPort;
  checks: CheckPort;
}
