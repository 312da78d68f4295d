// Cloud load-balancer controller: a Service of type LoadBalancer without an ingress gets a hostname
// derived from its uid after `delayMs` (so a restored Service gets a NEW hostname, as on a real cloud).

import { createHash } from "node:crypto";
import type { KubeApi, Target } from "../api.js";
import type { ChangeEvent } from "../store.js";
import { getIn, getString, type KubeObject } from "../types.js";
import { TimerController } from "./controller.js";

export interface LoadBalancerOptions {
  /** Real ms before the hostname appears. Default 100. */
  delayMs?: number;
  /** Hostname domain. Default `us-east-1.elb.amazonaws.com`. */
  domain?: string;
}

/** AWS-style ELB hostname: `a<uid hex>-<digits>.<region>.elb.amazonaws.com`. */
export function loadBalancerHostname(uid: string, domain = "us-east-1.elb.amazonaws.com"): string {
  const hex = uid.replace(/-/g, "").slice(0, 32);
  const digits = String(Number.parseInt(createHash("sha256").update(uid).digest("hex").slice(0, 8), 16))
    .padStart(10, "0")
    .slice(0, 10);
  return `a${hex}-${digits}.${domain}`;
}

function needsHostname(svc: KubeObject): boolean {
  if (getString(svc, ["spec", "type"]) !== "LoadBalancer") return false;
  const ingress = getIn(svc, ["status", "loadBalancer", "ingress"]);
  return !Array.isArray(ingress) || ingress.length === 0;
}

export class LoadBalancerController extends TimerController {
  private readonly pending = new Set<string>();

  constructor(
    api: KubeApi,
    readonly options: LoadBalancerOptions,
  ) {
    super(api);
  }

  protected override onStart(): void {
    for (const svc of this.api.store.list("/services")) if (needsHostname(svc)) this.schedule(svc);
  }

  protected override onChange(e: ChangeEvent): void {
    if (e.resource === "/services" && e.type !== "DELETED" && needsHostname(e.object))
      this.schedule(e.object);
  }

  private schedule(svc: KubeObject): void {
    const ns = svc.metadata?.namespace ?? "";
    const name = svc.metadata?.name ?? "";
    const uid = svc.metadata?.uid ?? "";
    const key = `${ns}/${name}/${uid}`;
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.after(this.options.delayMs ?? 100, () => {
      this.pending.delete(key);
      const cur = this.api.store.get("/services", ns, name);
      const def = this.api.registry.byKey("/services");
      if (!cur || !def || cur.metadata?.uid !== uid || !needsHostname(cur)) return;
      const t: Target = { def, version: "v1", namespace: ns, name, subresource: "status" };
      const hostname = loadBalancerHostname(uid, this.options.domain);
      this.api.update(t, { ...cur, status: { loadBalancer: { ingress: [{ hostname }] } } });
    });
  }
}
