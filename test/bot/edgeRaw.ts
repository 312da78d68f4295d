// Raw bytes to the bot's port, for what fetch will not send (a declared length it never sends, CONNECT,
// a broken request line) and to see when the answer comes relative to what was sent.

import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  head: string;
  /** Bytes of the request written before the answer's first byte arrived. */
  sentBeforeAnswer: number;
}

/**
 * Writes `head`, then `body` in chunks (waiting for each to drain) until the server answers or closes;
 * resolves with the status line's code.
 */
export function rawRequest(
  port: number,
  head: string,
  body: Buffer | string = "",
  opts: { chunk?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const data = typeof body === "string" ? Buffer.from(body) : body;
  const chunk = opts.chunk ?? 16 * 1024;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let sent = 0;
    let answered = false;
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${opts.timeoutMs ?? 20_000} ms (sent ${sent} bytes)`));
    }, opts.timeoutMs ?? 20_000);
    let sentBeforeAnswer = 0;
    const finish = () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (!m) {
        reject(new Error(`closed without an HTTP answer (sent ${sent} bytes): ${JSON.stringify(received)}`));
        return;
      }
      resolve({ status: Number(m[1]), head: received.split("\r\n\r\n")[0] ?? "", sentBeforeAnswer });
    };
    socket.on("data", (d) => {
      if (!answered) {
        answered = true;
        sentBeforeAnswer = sent;
      }
      received += d.toString("latin1");
      if (received.includes("\r\n\r\n")) {
        socket.destroy();
        finish();
      }
    });
    socket.on("error", () => {}); // a reset after the answer is expected when the server stops reading
    socket.on("close", () => {
      if (received.includes("\r\n\r\n")) return;
      finish();
    });
    const pump = () => {
      while (!answered && sent < data.length && !socket.destroyed) {
        const part = data.subarray(sent, sent + chunk);
        sent += part.length;
        if (!socket.write(part)) {
          socket.once("drain", () => setImmediate(pump));
          return;
        }
      }
    };
    socket.on("connect", () => {
      socket.write(head);
      pump();
    });
  });
}
