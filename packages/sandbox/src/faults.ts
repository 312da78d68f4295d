// Faults on demand, one vocabulary for the console's buttons and the rehearsal scenarios: a slow or
// failing kube-apiserver (both clusters), Route 53 throttling, a killed worker, a Slack rate limit.
import type { SandboxWorld } from "./world.js";

export const FAULTS = [
  "kube-slow",
  "kube-failing",
  "route53-throttling",
  "slack-ratelimit",
  "worker-kill",
] as const;
export type FaultName = (typeof FAULTS)[number];

export const FAULT_LABELS: Record<FaultName, string> = {
  "kube-slow": "kube-apiserver slow (1 s per request)",
  "kube-failing": "kube-apiserver failing (30% HTTP 500)",
  "route53-throttling": "Route 53 throttling (next 6 requests)",
  "slack-ratelimit": "Slack rate limit (chat.update 1 per 10 s)",
  "worker-kill": "kill a worker (SIGKILL, back after 1.5 s)",
};

export interface FaultState {
  kubeSlow: boolean;
  kubeFailing: boolean;
  slackRateLimited: boolean;
  /** Route 53 requests answered `Throttling` so far. */
  route53Throttled: number;
  worker: { state: string; kills: number } | undefined;
}

export class FaultBoard {
  private kubeSlow = false;
  private kubeFailing = false;
  private slackRateLimited = false;

  constructor(private readonly world: SandboxWorld) {}

  state(): FaultState {
    const w = this.world.workers;
    return {
      kubeSlow: this.kubeSlow,
      kubeFailing: this.kubeFailing,
      slackRateLimited: this.slackRateLimited,
      route53Throttled: this.world.route53.counters.throttled,
      worker: w ? { state: w.state, kills: w.kills } : undefined,
    };
  }

  /** Turns a fault on (`on`), or off; one-shot faults (throttling, a kill) ignore `on: false`. */
  set(name: FaultName, on = true): void {
    switch (name) {
      case "kube-slow":
        this.kubeSlow = on;
        this.applyKube();
        return;
      case "kube-failing":
        this.kubeFailing = on;
        this.applyKube();
        return;
      case "route53-throttling":
        if (on) this.world.route53.faults.throttleNext(6);
        else this.world.route53.faults.throttleNext(0);
        return;
      case "slack-ratelimit":
        this.slackRateLimited = on;
        this.world.slack.setRateLimit(
          "chat.update",
          on ? { limit: 1, windowMs: 10_000, per: "message" } : undefined,
        );
        return;
      case "worker-kill":
        if (!on) return;
        if (!this.world.workers)
          throw new Error("this world runs its workers in-process; start it with workerProcess to kill one");
        this.world.workers.kill();
        return;
      default: {
        const unknown: never = name;
        throw new Error(`unknown fault ${String(unknown)}`);
      }
    }
  }

  clear(): void {
    for (const f of ["kube-slow", "kube-failing", "route53-throttling", "slack-ratelimit"] as const)
      this.set(f, false);
  }

  private applyKube(): void {
    for (const [i, host] of [this.world.old, this.world.new].entries())
      host.faults.set({
        latencyMs: this.kubeSlow ? 1000 : 0,
        errorRate: this.kubeFailing ? 0.3 : 0,
        seed: i + 1,
      });
  }
}
