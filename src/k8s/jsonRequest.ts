// Sending a prepared request (URL, method, headers with the kubeconfig's authentication, body) and reading
// its answer as text. On the cluster's shared keep-alive dispatcher it goes out through undici's
// `request`, not `fetch`: WHATWG fetch and its streams were half of the client's CPU per request in the
// handoff's thousands of writes. Without one (plain-HTTP or SOCKS clusters) the library's own fetch
// sends it, exactly as the typed APIs do.

import type { Configuration, RequestContext } from "@kubernetes/client-node";
import type { Dispatcher } from "undici";

export interface TextResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export async function sendOn(dispatcher: Dispatcher, req: RequestContext): Promise<TextResponse> {
  const url = new URL(req.getUrl());
  const body = req.getBody();
  const signal = req.getSignal();
  const res = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: req.getHttpMethod(),
    headers: req.getHeaders(),
    ...(typeof body === "string" ? { body } : {}),
    ...(signal ? { signal } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return { status: res.statusCode, headers, text: await res.body.text() };
}

export async function sendByFetch(config: Configuration, req: RequestContext): Promise<TextResponse> {
  const res = await config.httpApi.send(req).toPromise();
  return { status: res.httpStatusCode, headers: res.headers, text: await res.body.text() };
}
