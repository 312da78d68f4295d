// Reads a request body up to a limit and not a byte more: a declared length over the limit is refused
// before anything is read, a chunked body as soon as it passes the limit.

import type { IncomingMessage } from "node:http";

export type BodyRead =
  | { kind: "ok"; body: Buffer }
  | { kind: "too-large"; bytes: number }
  /** The client went away (or sent a broken body); nobody is left to answer. */
  | { kind: "gone"; reason: string };

/** The declared Content-Length when it is over the limit (Node has already refused a malformed one). */
export function declaredTooLarge(req: IncomingMessage, limit: number): number | undefined {
  const raw = req.headers["content-length"];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > limit ? n : undefined;
}

export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (r: BodyRead) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.pause();
        finish({ kind: "too-large", bytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: "ok", body: Buffer.concat(chunks, bytes) });
    const onError = (err: Error) => finish({ kind: "gone", reason: err.message });
    const onAborted = () => finish({ kind: "gone", reason: "client aborted" });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}
