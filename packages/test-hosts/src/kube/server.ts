// node:http front of the host: body reading, faults, counters, JSON answers, and "down" handling.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { readBody } from "../http/body.js";
import { listenOnLoopback } from "../http/listen.js";
import { respond } from "../http/respond.js";
import { internalError, KubeError } from "./errors.js";
import type { Faults } from "./faults.js";
import { describe, handle, type RouterContext } from "./router.js";

export interface RequestStats {
  total: number;
  byVerb: Record<string, number>;
  byStatus: Record<string, number>;
  /** `group/plural` → count. */
  byResource: Record<string, number>;
  reset(): void;
}

export function createStats(): RequestStats {
  const stats: RequestStats = {
    total: 0,
    byVerb: {},
    byStatus: {},
    byResource: {},
    reset() {
      stats.total = 0;
      stats.byVerb = {};
      stats.byStatus = {};
      stats.byResource = {};
    },
  };
  return stats;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export class ApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private resetting = false;
  private listening = false;
  private pendingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ctx: RouterContext,
    private readonly faults: Faults,
    readonly stats: RequestStats,
  ) {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on("connection", (socket) => {
      if (this.resetting) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    faults.setDown = (mode) => this.setDown(mode);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    this.port = await listenOnLoopback(this.server, port);
    this.listening = true;
  }

  private destroySockets(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async stopListening(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.destroySockets();
    await closed;
  }

  private async setDown(mode: "refuse" | "reset" | false): Promise<void> {
    if (mode === "refuse") {
      this.resetting = false;
      await this.stopListening();
    } else if (mode === "reset") {
      this.resetting = true;
      this.destroySockets();
      if (!this.listening) await this.listen(this.port);
    } else {
      this.resetting = false;
      if (!this.listening) await this.listen(this.port);
    }
  }

  async close(): Promise<void> {
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    await this.stopListening();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pendingTimers.delete(t);
        resolve();
      }, ms);
      this.pendingTimers.add(t);
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.resetting) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const apiReq = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname.replace(/\/+$/, "") || "/",
      query: url.searchParams,
      contentType: req.headers["content-type"] ?? "",
      body,
      userAgent: req.headers["user-agent"],
    };
    const info = describe(this.ctx, apiReq);
    this.stats.total += 1;
    bump(this.stats.byVerb, info.verb);
    if (info.resource) bump(this.stats.byResource, info.resource);
    const decision = this.faults.decide(info);
    if (decision.delayMs > 0) await this.delay(decision.delayMs);
    if (this.resetting || !this.listening) {
      req.socket.destroy();
      return;
    }
    let status: number;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      if (decision.error) throw decision.error;
      const out = handle(this.ctx, apiReq);
      status = out.status;
      payload = out.body;
      headers = out.headers ?? {};
    } catch (e) {
      const err = e instanceof KubeError ? e : internalError(e instanceof Error ? e.message : String(e));
      status = err.code;
      payload = err.status;
      headers = err.headers;
    }
    bump(this.stats.byStatus, String(status));
    // Like the real apiserver: plain application/json, and an Audit-Id on every answer.
    respond(res, status, payload, {
      jsonType: "application/json",
      headers: { "Audit-Id": crypto.randomUUID(), ...headers },
    });
  }
}
