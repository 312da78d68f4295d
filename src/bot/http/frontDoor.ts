// The bot's HTTP port: every request gets an answer and none can stop the process. Operational paths go
// to the shared ops endpoints; /slack/events is POST only, bounded in size, verified, and checked for a
// shape our listeners handle before Bolt sees it; everything else is 404 or 405.

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { handleOpsRequest, type OpsEndpoints } from "../../observability/opsHttp.js";
import type { AckGate } from "../ackGate.js";
import { errorText, type Logger } from "../log.js";
import { declaredTooLarge, readBody } from "./body.js";
import { classifyEnvelope } from "./envelope.js";
import {
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_BODY_BYTES,
  MAX_CONNECTIONS,
  MAX_HEADERS_COUNT,
  REQUEST_TIMEOUT_MS,
} from "./limits.js";
import { createSignatureCheck } from "./signature.js";

/** Slack's replay window. Bolt refuses old timestamps; we refuse ones from the future as well. */
const REPLAY_WINDOW_S = 300;

export interface FrontDoorOptions {
  /** The path Slack posts to. */
  eventsPath: string;
  /**
   * Bolt's HTTPReceiver.requestListener: gets only verified requests of a shape listed in `ours` (so the
   * receiver is built with `signatureVerification: false`: the signature is checked here, once).
   */
  bolt: (req: IncomingMessage, res: ServerResponse) => void;
  signingSecret: string;
  ops: OpsEndpoints;
  ours: { commands: readonly string[]; actionIds: readonly string[] };
  log: Logger;
  maxBodyBytes?: number;
  now?: () => number;
  /** Told of every request to the events path until it is answered, so work after acks can wait. */
  gate?: AckGate;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A signed timestamp more than 5 minutes ahead of our clock (Bolt refuses only old ones). Requests without
 * the header are refused later, except Slack's unsigned `ssl_check`.
 */
export function fromTheFuture(req: IncomingMessage, nowMs: number): boolean {
  const raw = header(req, "x-slack-request-timestamp");
  if (raw === undefined) return false;
  const ts = Number(raw);
  return !Number.isFinite(ts) || ts - nowMs / 1000 > REPLAY_WINDOW_S;
}

function pathOf(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.indexOf("?");
  return q === -1 ? u : u.slice(0, q);
}

function send(res: ServerResponse, status: number, body = "", headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...(body.length > 0 ? { "content-type": "text/plain; charset=utf-8" } : {}),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

export function createFrontDoor(opts: FrontDoorOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { log } = opts;
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = opts.now ?? Date.now;
  const signed = createSignatureCheck(opts.signingSecret);

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    log.warn(
      { status, method: req.method, path: pathOf(req.url).slice(0, 200), reason },
      "refused a request",
    );
    send(res, status);
  };

  const events = async (req: IncomingMessage, res: ServerResponse) => {
    const declared = declaredTooLarge(req, limit);
    if (declared !== undefined) {
      // Answered before the body is read; closing the connection drops whatever else is on its way.
      log.warn({ bytes: declared, limit }, "refused a request body over the limit");
      send(res, 413, `request body over ${limit} bytes\n`, { connection: "close" });
      return;
    }
    const read = await readBody(req, limit);
    switch (read.kind) {
      case "gone":
        log.info({ reason: read.reason }, "request ended before its body arrived");
        return;
      case "too-large":
        log.warn({ bytes: read.bytes, limit }, "refused a request body over the limit");
        send(res, 413, `request body over ${limit} bytes\n`, { connection: "close" });
        return;
      case "ok":
        break;
    }
    const raw = read.body.toString("utf8");
    const contentType = header(req, "content-type");
    if (contentType === "application/x-www-form-urlencoded" && /^ssl_check=1(&|$)/.test(raw)) {
      send(res, 200); // Slack's unsigned certificate check
      return;
    }
    const signature = header(req, "x-slack-signature");
    const timestamp = header(req, "x-slack-request-timestamp");
    if (signature === undefined || timestamp === undefined) {
      refuse(req, res, 401, "no Slack signature headers");
      return;
    }
    const check = signed(signature, timestamp, read.body, now());
    if (!check.ok) {
      refuse(req, res, 401, check.reason);
      return;
    }
    const envelope = classifyEnvelope(contentType, raw, opts.ours);
    switch (envelope.kind) {
      case "malformed":
        refuse(req, res, 400, envelope.reason);
        return;
      case "ignored":
        log.info({ what: envelope.what }, "acknowledged a Slack request nothing here listens for");
        send(res, 200);
        return;
      case "foreign-command":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            response_type: "ephemeral",
            text: `This app answers ${opts.ours.commands.join(", ")} only.`,
          }),
        );
        return;
      case "bolt":
        // Bolt reuses a body that is already read (`rawBody`) instead of reading the stream again.
        Object.assign(req, { rawBody: read.body });
        opts.bolt(req, res);
        return;
    }
  };

  return (req, res) => {
    try {
      if (handleOpsRequest(opts.ops, req, res)) return;
      const path = pathOf(req.url);
      if (path !== opts.eventsPath) {
        req.resume();
        send(
          res,
          404,
          `not found: this port serves POST ${opts.eventsPath}, GET /healthz, /readyz, /metrics\n`,
        );
        return;
      }
      if (req.method !== "POST") {
        req.resume();
        send(res, 405, `${opts.eventsPath} answers POST only\n`, { allow: "POST" });
        return;
      }
      if (opts.gate) {
        const answered = opts.gate.enter();
        res.once("finish", answered);
        res.once("close", answered);
      }
      if (fromTheFuture(req, now())) {
        req.resume();
        refuse(req, res, 401, "signed more than 5 minutes in the future");
        return;
      }
      events(req, res).catch((err: unknown) => {
        log.error({ err: errorText(err) }, "the HTTP front door failed on a request");
        send(res, 500);
      });
    } catch (err) {
      log.error({ err: errorText(err) }, "the HTTP front door failed on a request");
      send(res, 500);
    }
  };
}

/**
 * Timeouts, header and connection caps on the bot's server, and an answer to unparseable requests.
 * `handler` also gets `Expect: 100-continue` requests, and a body over the limit is never invited.
 */
export function hardenServer(
  server: Server,
  log: Logger,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  server.on("checkContinue", (req, res) => {
    if (declaredTooLarge(req, MAX_BODY_BYTES) === undefined) res.writeContinue();
    handler(req, res);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  server.maxConnections = MAX_CONNECTIONS;
  server.on("drop", (data) =>
    log.warn({ remote: data?.remoteAddress }, "connection cap reached; dropped a connection"),
  );
  // Node closes a CONNECT (proxy tunnel) request without a word unless someone answers it.
  server.on("connect", (_req, socket) => {
    socket.end(
      "HTTP/1.1 405 Method Not Allowed\r\nallow: POST, GET, HEAD\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
    );
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    const code = err.code ?? "";
    const status = code === "HPE_HEADER_OVERFLOW" ? 431 : code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    log.info({ code, status }, "unparseable or timed-out HTTP request");
    if (socket.writable && !("_httpMessage" in socket && socket._httpMessage)) {
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    } else {
      socket.destroy();
    }
  });
}
