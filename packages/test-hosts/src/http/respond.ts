import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export interface RespondOptions {
  headers?: OutgoingHttpHeaders;
  /** The content-type of a JSON body: hosts copy the exact value their real service sends. */
  jsonType?: string;
}

/** Answers with `body` as JSON, or as text/plain where it is already a string. */
export function respond(res: ServerResponse, status: number, body: unknown, opts: RespondOptions = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type":
      typeof body === "string"
        ? "text/plain; charset=utf-8"
        : (opts.jsonType ?? "application/json; charset=utf-8"),
    "content-length": Buffer.byteLength(text),
    ...opts.headers,
  });
  res.end(text);
}
