// Fault injection, changeable at runtime: latency, random 500s (seeded), throttling with Retry-After,
// scripted failures, and "down" (handled by the server).

import { internalError, KubeError, type StatusBody, type StatusReason, tooManyRequests } from "./errors.js";

export interface RequestInfo {
  method: string;
  path: string;
  /** API verb (get, list, create, update, patch, delete, deletecollection) or "discovery". */
  verb: string;
  /** `group/plural` when the request targets a resource. */
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Restricts a fault to some requests; every field left out matches anything. */
export interface FaultFilter {
  verbs?: string[];
  /** Substring of the URL path, or a RegExp tested against it. */
  path?: string | RegExp;
  /** `plural` or `plural.group` (e.g. `cronjobs.batch`, `configmaps`). */
  resource?: string;
  namespace?: string;
  name?: string;
}

export interface FaultSettings {
  latencyMs?: number;
  /** Fraction (0..1) of matching requests answered with 500 InternalError. */
  errorRate?: number;
  seed?: number;
  filter?: FaultFilter;
}

interface Scripted {
  remaining: number;
  filter?: FaultFilter;
  make: () => KubeError;
}

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function matchesFilter(f: FaultFilter | undefined, req: RequestInfo): boolean {
  if (!f) return true;
  if (f.verbs && !f.verbs.includes(req.verb)) return false;
  if (f.path !== undefined) {
    if (typeof f.path === "string" ? !req.path.includes(f.path) : !f.path.test(req.path)) return false;
  }
  if (f.resource !== undefined) {
    const [group, plural] = (req.resource ?? "/").split("/");
    const qualified = group ? `${plural}.${group}` : (plural ?? "");
    if (f.resource !== plural && f.resource !== qualified) return false;
  }
  if (f.namespace !== undefined && f.namespace !== req.namespace) return false;
  if (f.name !== undefined && f.name !== req.name) return false;
  return true;
}

const REASONS: Record<number, StatusReason> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Gone",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

export function statusError(code: number, message?: string, reason?: StatusReason): KubeError {
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: message ?? `injected ${code}`,
    code,
  };
  const r = reason ?? REASONS[code];
  if (r) body.reason = r;
  return new KubeError(body);
}

export interface FaultDecision {
  delayMs: number;
  error?: KubeError;
}

export class Faults {
  latencyMs = 0;
  errorRate = 0;
  private filter: FaultFilter | undefined;
  private random: () => number = seededRandom(1);
  private scripted: Scripted[] = [];
  /** Set by the server: take the host off the network ("refuse") or reset every connection ("reset"). */
  setDown: (mode: "refuse" | "reset" | false) => Promise<void> = async () => {};
  private downMode: "refuse" | "reset" | false = false;

  /** Replaces latency / error-rate settings (scripted faults are kept). */
  set(s: FaultSettings): void {
    this.latencyMs = s.latencyMs ?? 0;
    this.errorRate = s.errorRate ?? 0;
    this.filter = s.filter;
    this.random = seededRandom(s.seed ?? 1);
  }

  /** The next `count` matching requests get 429 TooManyRequests with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds = 1, filter?: FaultFilter): void {
    this.scripted.push({ remaining: count, filter, make: () => tooManyRequests(retryAfterSeconds) });
  }

  /** The next `count` matching requests fail with this Status code (500 InternalError by default). */
  failNext(count: number, code = 500, filter?: FaultFilter, message?: string): void {
    this.scripted.push({
      remaining: count,
      filter,
      make: () => (code === 500 ? internalError(message ?? "injected failure") : statusError(code, message)),
    });
  }

  get isDown(): boolean {
    return this.downMode !== false;
  }

  /** "refuse": the listener closes (ECONNREFUSED); "reset": connections are accepted then destroyed. */
  async down(mode: "refuse" | "reset" = "refuse"): Promise<void> {
    this.downMode = mode;
    await this.setDown(mode);
  }

  async up(): Promise<void> {
    this.downMode = false;
    await this.setDown(false);
  }

  /** Removes every fault (the host comes back up if it was down). */
  async clear(): Promise<void> {
    this.set({});
    this.scripted = [];
    if (this.downMode) await this.up();
  }

  decide(req: RequestInfo): FaultDecision {
    const applies = matchesFilter(this.filter, req);
    const delayMs = applies ? this.latencyMs : 0;
    for (const s of this.scripted) {
      if (s.remaining > 0 && matchesFilter(s.filter, req)) {
        s.remaining -= 1;
        this.scripted = this.scripted.filter((x) => x.remaining > 0);
        return { delayMs, error: s.make() };
      }
    }
    if (applies && this.errorRate > 0 && this.random() < this.errorRate) {
      return { delayMs, error: internalError("injected random failure") };
    }
    return { delayMs };
  }
}
