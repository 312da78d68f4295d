// Connection reuse. @kubernetes/client-node 2.x builds a new undici Agent for every request whose cluster
// has TLS settings (a CA, a client certificate, or insecure-skip-tls-verify), so every such request opens
// a new TCP (and TLS) connection. A cluster client here builds one keep-alive dispatcher from the same
// options the library would use, once, and hands it to every request. Key material stays in memory.
//
// The options are read once per cluster client: a kubeconfig context's CA and client certificate are
// fixed for the life of the process (bearer tokens from exec plugins are headers, refreshed per request).

import type * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { Agent, type Dispatcher, ProxyAgent } from "undici";

const TLS_FIELDS = ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"] as const;

export class SharedDispatcher {
  private built: Promise<Dispatcher | undefined> | undefined;
  private dispatcher: Dispatcher | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly connections: number,
  ) {}

  /** The dispatcher every request of this cluster should use; undefined = keep the library's choice. */
  get(): Promise<Dispatcher | undefined> {
    this.built ??= this.build();
    return this.built;
  }

  private async build(): Promise<Dispatcher | undefined> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const agentOptions: https.AgentOptions = {};
    for (const f of TLS_FIELDS)
      if (opts[f] !== undefined) (agentOptions as Record<string, unknown>)[f] = opts[f];
    const options = this.kc.createDispatcherOptions(this.kc.getCurrentCluster(), agentOptions);
    switch (options.type) {
      case "agent":
        this.dispatcher = new Agent({ connect: options.connect, connections: this.connections });
        break;
      case "proxy":
        this.dispatcher = new ProxyAgent({
          uri: options.uri,
          requestTls: options.requestTls,
          connect: options.connect,
          connections: this.connections,
        });
        break;
      case "socks": // the library's SOCKS connector is private; keep its per-request dispatcher
      case "none": // plain fetch: the global dispatcher already keeps connections alive
        this.dispatcher = undefined;
        break;
      default: {
        const unknown: never = options;
        throw new Error(`unknown dispatcher type ${JSON.stringify(unknown)}`);
      }
    }
    return this.dispatcher;
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    this.built = undefined;
    await d?.close().catch(() => undefined);
  }
}
