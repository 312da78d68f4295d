// Socket Mode on the Slack test host: `apps.connections.open` hands out a ws:// URL, and this minimal
// WebSocket server (RFC 6455 framing, text frames, ping/pong, close) speaks Slack's envelope protocol:
// `hello` on connect, envelopes (`slash_commands`, `interactive`) that the app acks with their
// `envelope_id`, and `disconnect` or an abrupt drop to exercise reconnects.

import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) header = Buffer.from([0x80 | opcode, len]);
  else if (len < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Reads client frames (always masked). Fragmented messages are not used by the Slack client. */
function readFrames(state: { buf: Buffer }, chunk: Buffer): Array<{ opcode: number; payload: Buffer }> {
  state.buf = Buffer.concat([state.buf, chunk]);
  const out: Array<{ opcode: number; payload: Buffer }> = [];
  for (;;) {
    const b = state.buf;
    if (b.length < 2) break;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let len = b[1]! & 0x7f;
    let off = 2;
    if (len === 126) {
      if (b.length < 4) break;
      len = b.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (b.length < 10) break;
      len = Number(b.readBigUInt64BE(2));
      off = 10;
    }
    const maskLen = masked ? 4 : 0;
    if (b.length < off + maskLen + len) break;
    const mask = masked ? b.subarray(off, off + 4) : undefined;
    const payload = Buffer.from(b.subarray(off + maskLen, off + maskLen + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
    out.push({ opcode, payload });
    state.buf = b.subarray(off + maskLen + len);
  }
  return out;
}

interface Connection {
  id: string;
  socket: Duplex;
  send(obj: unknown): void;
}

export interface SocketModeHost {
  /** Open connections (the Slack client keeps one). */
  readonly connections: number;
  /** How many times a connection was opened (reconnects count). */
  readonly opened: number;
  /** A ws:// URL for apps.connections.open. */
  issueUrl(baseUrl: string): string;
  handleUpgrade(req: IncomingMessage, socket: Duplex): void;
  /** Sends an envelope to the newest connection; resolves with the ack (`payload` if the app answered). */
  send(
    type: "slash_commands" | "interactive" | "events_api",
    payload: unknown,
    timeoutMs?: number,
  ): Promise<{ ackMs: number; payload?: unknown }>;
  /** Slack's polite `disconnect` message (the client reconnects). */
  disconnect(reason?: "warning" | "refresh_requested" | "link_disabled"): void;
  /** Drops every connection without a close frame, like a silently dead link. */
  drop(): void;
  close(): void;
}

export function createSocketModeHost(appId: string): SocketModeHost {
  const tickets = new Set<string>();
  const conns: Connection[] = [];
  const pending = new Map<
    string,
    { at: number; resolve: (v: { ackMs: number; payload?: unknown }) => void }
  >();
  let opened = 0;

  const remove = (c: Connection) => {
    const i = conns.indexOf(c);
    if (i >= 0) conns.splice(i, 1);
  };

  return {
    get connections() {
      return conns.length;
    },
    get opened() {
      return opened;
    },
    issueUrl(baseUrl) {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${baseUrl.replace(/^http/, "ws")}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    handleUpgrade(req, socket) {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const ticket = url.searchParams.get("ticket") ?? "";
      const key = req.headers["sec-websocket-key"];
      if (url.pathname !== "/link/" || !tickets.delete(ticket) || typeof key !== "string") {
        socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
        return;
      }
      const accept = createHash("sha1")
        .update(key + GUID)
        .digest("base64");
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      const c: Connection = {
        id: randomUUID(),
        socket,
        send: (obj) => {
          if (!socket.destroyed) socket.write(frame(0x1, Buffer.from(JSON.stringify(obj))));
        },
      };
      conns.push(c);
      opened += 1;
      const state = { buf: Buffer.alloc(0) };
      socket.on("data", (chunk: Buffer) => {
        for (const f of readFrames(state, chunk)) {
          if (f.opcode === 0x9) socket.write(frame(0xa, f.payload));
          else if (f.opcode === 0x8) {
            socket.end(frame(0x8, f.payload.subarray(0, 2)));
            remove(c);
          } else if (f.opcode === 0x1) {
            try {
              const msg = JSON.parse(f.payload.toString("utf8")) as {
                envelope_id?: string;
                payload?: unknown;
              };
              const p = msg.envelope_id ? pending.get(msg.envelope_id) : undefined;
              if (p && msg.envelope_id) {
                pending.delete(msg.envelope_id);
                p.resolve({
                  ackMs: performance.now() - p.at,
                  ...(msg.payload !== undefined ? { payload: msg.payload } : {}),
                });
              }
            } catch {
              // not JSON: ignored, as Slack does
            }
          }
        }
      });
      socket.on("close", () => remove(c));
      socket.on("error", () => remove(c));
      c.send({
        type: "hello",
        num_connections: conns.length,
        debug_info: { host: "applink-test", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      });
    },
    send(type, payload, timeoutMs = 5000) {
      const c = conns[conns.length - 1];
      if (!c) return Promise.reject(new Error("no socket mode connection"));
      const envelopeId = randomUUID();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(new Error(`envelope ${type} not acknowledged within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelopeId, {
          at: performance.now(),
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
        });
        c.send({
          envelope_id: envelopeId,
          payload,
          type,
          accepts_response_payload: type !== "events_api",
          retry_attempt: 0,
          retry_reason: "",
        });
      });
    },
    disconnect(reason = "refresh_requested") {
      for (const c of conns) c.send({ type: "disconnect", reason, debug_info: { host: "applink-test" } });
    },
    drop() {
      for (const c of [...conns]) {
        c.socket.destroy();
        remove(c);
      }
    },
    close() {
      for (const c of [...conns]) c.socket.destroy();
      conns.length = 0;
    },
  };
}
