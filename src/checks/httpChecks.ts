import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { HttpCheck } from "../config/schema.js";
import type { CheckPort, CheckResult } from "../migration/ports.js";

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/**
 * One GET, with an optional Host header (smoke checks hit the target's load balancer by its own hostname
 * while asking for the public name, as a browser would after cutover). node:http rather than fetch,
 * because fetch does not let a caller set Host.
 */
function probe(
  url: URL,
  hostHeader: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "GET",
        headers: hostHeader ? { host: hostHeader } : {},
        timeout: timeoutMs,
        signal,
        ...(hostHeader && url.protocol === "https:" ? { servername: hostHeader } : {}),
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

async function runOne(
  check: HttpCheck,
  vars: Record<string, string>,
  signal: AbortSignal,
): Promise<CheckResult> {
  const url = fill(check.url, vars);
  const name = check.name ?? url;
  const started = performance.now();
  let last: Pick<CheckResult, "status" | "error"> = {};
  for (let attempt = 1; attempt <= check.attempts; attempt++) {
    try {
      const status = await probe(
        new URL(url),
        check.hostHeader ? fill(check.hostHeader, vars) : undefined,
        check.timeoutSeconds * 1000,
        signal,
      );
      if (status === check.expectStatus)
        return { name, url, ok: true, status, ms: performance.now() - started };
      last = { status, error: `HTTP ${status}, expected ${check.expectStatus}` };
    } catch (err) {
      if (signal.aborted) throw err;
      last = { error: (err as Error).message };
    }
    if (attempt < check.attempts) await new Promise((r) => setTimeout(r, 500 * attempt));
  }
  return { name, url, ok: false, ...last, ms: performance.now() - started };
}

export function createHttpChecks(): CheckPort {
  return {
    run: (checks, vars, signal) => Promise.all(checks.map((c) => runOne(c, vars, signal))),
  };
}
