// Every test host listens on 127.0.0.1 only (nothing off the machine can reach it) and on a port the OS
// picks unless a test pins one, so parallel test files never collide.

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Listens on 127.0.0.1 (port 0: one the OS picks) and resolves with the port; rejects if it cannot bind. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops kept-alive connections too, so close() does not wait on an idle client. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
