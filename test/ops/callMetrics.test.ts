// hikkoshi_external_calls_total counts what really happened on the wire: the real clients against the
// protocol test hosts, with the hosts' own throttling and errors, counted at the adapters' hooks (the
// Kubernetes request policy, the Route 53 retry wrapper, the Slack Web API wrapper).
import { startSlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createSlackApi, createWebClient, SlackRateLimited } from "../../src/bot/slackApi.js";
import { HikkoshiMetrics } from "../../src/observability/metrics.js";
import { cname, envContext as dnsContext, SRC, startWorld as startDnsWorld } from "../dns/world.js";
import { envContext as kubeContext, startWorld as startKubeWorld } from "../k8s/support.js";
import { parsePromText, sum } from "./promText.js";

let metrics: HikkoshiMetrics;
beforeEach(() => {
  metrics = new HikkoshiMetrics({ defaultMetrics: false });
});
afterEach(() => {
  metrics.close();
});
const calls = async (service: string, outcome: string) =>
  sum(parsePromText((await metrics.exposition()).body), "hikkoshi_external_calls_total", {
    service,
    outcome,
  });

it("Kubernetes: every attempt, throttled (429 + Retry-After) and 5xx apart from ok", async () => {
  const w = await startKubeWorld();
  try {
    w.source.faults.throttle(2, 1, { verbs: ["list"] });
    w.source.faults.failNext(2, 503, { verbs: ["list"] });
    await w.port.inventory(kubeContext());
    expect(await calls("kubernetes", "throttled")).toBe(2);
    expect(await calls("kubernetes", "5xx")).toBe(2);
    expect(await calls("kubernetes", "ok")).toBeGreaterThan(0);
    expect(await calls("kubernetes", "error")).toBe(0);
  } finally {
    await w.close();
  }
});

it("Route 53: Throttling answers (HTTP 400) count as throttled, as many as the host sent", async () => {
  const w = await startDnsWorld([cname("www.example.com", SRC)]);
  try {
    w.host.faults.throttleNext(3);
    await w.traffic.snapshot(dnsContext({ records: ["www.example.com"] }));
    expect(w.host.counters.throttled).toBe(3);
    expect(await calls("route53", "throttled")).toBe(3);
    expect(await calls("route53", "ok")).toBeGreaterThan(0);
  } finally {
    await w.close();
  }
});

it("Slack: a rate-limited chat.postMessage counts as throttled, the next one as ok", async () => {
  const token = "xoxb-test-calls";
  const host = await startSlackTestHost({ tokens: [token] });
  try {
    const api = createSlackApi(createWebClient(token, host.apiUrl));
    host.failNext("chat.postMessage", "ratelimited", { times: 1, retryAfterSeconds: 1 });
    await expect(api.postMessage({ channel: "C0OPS00001", text: "one" })).rejects.toBeInstanceOf(
      SlackRateLimited,
    );
    await api.postMessage({ channel: "C0OPS00001", text: "two" });
    expect(await calls("slack", "throttled")).toBe(1);
    expect(await calls("slack", "ok")).toBe(1);
  } finally {
    await host.close();
  }
});
