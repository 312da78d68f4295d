// The worker role's small HTTP port: /healthz, /readyz, /metrics and nothing else (the bot serves the
// same endpoints on its Slack port).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleOpsRequest, type OpsEndpoints } from "./opsHttp.js";

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(
  ops: OpsEndpoints,
  opts: { port: number; host?: string },
): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    if (handleOpsRequest(ops, req, res)) return;
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("this port serves /healthz, /readyz and /metrics only\n");
  });
  // A scrape or probe that never finishes must not hold a socket forever.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
