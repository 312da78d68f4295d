// The operational endpoints every role serves without a Slack signature: `/healthz` (the process answers),
// `/readyz` (what this role needs is reachable) and `/metrics` (Prometheus text). The bot serves them on
// its Slack port; a worker-only process on its own small port. One implementation for both.

import type { IncomingMessage, ServerResponse } from "node:http";

/** Resolves to undefined when ready, or to a short reason (no secrets, no stack) when not. */
export type ReadinessProbe = () => Promise<string | undefined>;

export interface OpsEndpoints {
  /** Named probes, all of which must pass for `/readyz` to answer 200. */
  readiness: Record<string, ReadinessProbe>;
  /** Prometheus exposition; `/metrics` answers 404 when absent. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Per-probe deadline (default 2 s): a hung dependency is "not ready", never a hung probe. */
  probeTimeoutMs?: number;
}

export const OPS_PATHS = ["/healthz", "/readyz", "/metrics"] as const;

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

async function probe(p: ReadinessProbe, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      p().catch((err: unknown) => (err instanceof Error ? err.message : "failed")),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Answers the request and returns true when it is for one of OPS_PATHS; otherwise leaves it alone. */
export function handleOpsRequest(ops: OpsEndpoints, req: IncomingMessage, res: ServerResponse): boolean {
  const path = pathOf(req);
  if (!(OPS_PATHS as readonly string[]).includes(path)) return false;
  const send = (status: number, contentType: string, body: string, extra: Record<string, string> = {}) => {
    if (res.headersSent) return;
    res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", ...extra });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(405, "text/plain; charset=utf-8", `${path} answers GET and HEAD only\n`, { allow: "GET, HEAD" });
    return true;
  }
  if (path === "/healthz") {
    send(200, "text/plain; charset=utf-8", "ok\n");
    return true;
  }
  if (path === "/readyz") {
    const timeoutMs = ops.probeTimeoutMs ?? 2_000;
    const names = Object.keys(ops.readiness);
    void Promise.all(names.map((n) => probe(ops.readiness[n]!, timeoutMs))).then((reasons) => {
      const failing = Object.fromEntries(
        names.flatMap((n, i) => (reasons[i] === undefined ? [] : [[n, reasons[i]] as const])),
      );
      const ready = Object.keys(failing).length === 0;
      send(ready ? 200 : 503, "application/json", `${JSON.stringify({ ready, checks: names, failing })}\n`);
    });
    return true;
  }
  const metrics = ops.metrics;
  if (!metrics) {
    send(404, "text/plain; charset=utf-8", "metrics are not enabled in this process\n");
    return true;
  }
  void metrics().then(
    (m) => send(200, m.contentType, m.body),
    () => send(500, "text/plain; charset=utf-8", "metrics could not be collected\n"),
  );
  return true;
}
