// Connection reuse. @kubernetes/client-node 1.x builds a new http(s).Agent for every request, so every
// request opens a new TCP (and TLS) connection. This swaps it for a keep-alive agent shared per identical
// set of TLS options (CA, client certificate, verification), so 16 requests in flight reuse 16 connections.
// Proxy agents are left alone. Key material is only hashed in memory, never logged.

import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";

const TLS_FIELDS = ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"] as const;

export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();
  constructor(private readonly maxSockets: number) {}

  /** The pooled equivalent of a per-request agent, or the agent itself when it is not a plain one. */
  pooled<A extends http.Agent | undefined>(agent: A): A | http.Agent {
    if (!(agent instanceof http.Agent)) return agent;
    const secure = agent.constructor === https.Agent;
    if (!secure && agent.constructor !== http.Agent) return agent; // proxy agents keep their own logic
    const options = ((agent as unknown as { options?: Record<string, unknown> }).options ?? {}) as Record<
      string,
      unknown
    >;
    const hash = createHash("sha256").update(secure ? "https" : "http");
    for (const f of TLS_FIELDS)
      hash
        .update(`|${f}=`)
        .update(
          String(
            options[f] instanceof Buffer ? options[f].toString("base64") : JSON.stringify(options[f] ?? null),
          ),
        );
    const key = hash.digest("hex");
    let pooled = this.agents.get(key);
    if (!pooled) {
      const picked: Record<string, unknown> = {};
      for (const f of TLS_FIELDS) if (options[f] !== undefined) picked[f] = options[f];
      const common = { keepAlive: true, maxSockets: this.maxSockets, ...picked };
      pooled = secure ? new https.Agent(common) : new http.Agent(common);
      this.agents.set(key, pooled);
    }
    return pooled;
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}
