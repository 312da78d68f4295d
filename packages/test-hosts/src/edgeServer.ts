import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Stands in for the clusters' load balancers in the sandbox: health checks are sent here with the load
 * balancer's hostname as Host (the fake ELB names do not resolve), and it answers 200 for the hostnames
 * `isServing` accepts.
 */
export async function startEdgeServer(
  isServing: (host: string) => boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const ok = isServing(host);
    res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
    res.end(ok ? "ok\n" : `no healthy backend for ${host}\n`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
