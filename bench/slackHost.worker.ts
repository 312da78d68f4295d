// The Slack test host for the slack bench, in a thread of its own: Slack's servers are not on the bot's
// event loop in production, so the host's work (response_url answers, chat.update, group lookups)
// must not weigh on the acks being measured. The bench talks to it by message: response URLs to put
// in the requests it signs, and how many answers the host recorded.

import { parentPort, workerData } from "node:worker_threads";
import { type SlackHostOptions, startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";

export type HostQuestion =
  | { kind: "responseUrls"; n: number; channel: string; user: string }
  | { kind: "counts" }
  | { kind: "close" };
export type HostAsk = HostQuestion & { id: number };

export type HostAnswer =
  | { id: number; kind: "responseUrls"; urls: string[] }
  | { id: number; kind: "counts"; ephemerals: number; webApiCalls: number }
  | { id: number; kind: "closed" };

const port = parentPort;
if (!port) throw new Error("slackHost.worker.ts runs as a worker thread");
const host = await startSlackTestHost(workerData as SlackHostOptions);
port.on("message", async (ask: HostAsk) => {
  switch (ask.kind) {
    case "responseUrls":
      port.postMessage({
        id: ask.id,
        kind: "responseUrls",
        urls: Array.from({ length: ask.n }, () => host.responseUrl({ channel: ask.channel, user: ask.user })),
      } satisfies HostAnswer);
      return;
    case "counts":
      port.postMessage({
        id: ask.id,
        kind: "counts",
        ephemerals: host.ephemerals.length,
        webApiCalls: host.calls.length,
      } satisfies HostAnswer);
      return;
    case "close":
      await host.close();
      port.postMessage({ id: ask.id, kind: "closed" } satisfies HostAnswer);
      return;
  }
});
port.postMessage({ ready: host.apiUrl });
