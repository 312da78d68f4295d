import type { IncomingMessage } from "node:http";

/** A request's whole body as UTF-8 text: the hosts parse it only once it has all arrived. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
