// One API client set per configured cluster (kubeconfig context), with its request policy, server
// version and the API groups/versions it serves (discovery), cached for the life of the registry.

import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  HttpMethod,
  KubeConfig,
  type Middleware,
  type RequestContext,
  ServerConfiguration,
} from "@kubernetes/client-node";
import { SharedDispatcher } from "./dispatchers.js";
import { sendByFetch, sendOn } from "./jsonRequest.js";
import { MERGE_PATCH } from "./mergePatch.js";
import { asRecord, getArray, getString } from "./objects.js";
import { defaultRetry, type RequestLimits, RequestPolicy, type RetryOptions } from "./requestPolicy.js";
import { type Clock, type Logger, silentLogger, systemClock } from "./runtime.js";

export interface ServerVersion {
  major: number;
  minor: number;
  gitVersion: string;
}

export interface Discovery {
  /** Every served `group/version` (`v1` for the core group). */
  served: Set<string>;
  /** Preferred version per group name (`""` for core). */
  preferred: Map<string, string>;
}

export interface ClusterClient {
  readonly name: string;
  readonly context: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly custom: CustomObjectsApi;
  readonly authz: AuthorizationV1Api;
  readonly apiext: ApiextensionsV1Api;
  readonly policy: RequestPolicy;
  /** GET of an arbitrary API path (discovery documents, lists), parsed JSON. */
  rawGet(path: string): Promise<unknown>;
  /**
   * A JSON merge patch of the object (or subresource) at `path`, answered as the wire JSON: no typed
   * (de)serialisation, which is most of a request's client CPU in the handoff's thousands of writes.
   */
  rawMergePatch(path: string, body: unknown): Promise<unknown>;
  serverVersion(): Promise<ServerVersion>;
  discovery(): Promise<Discovery>;
}

/** `"1"`, `"32+"` (GKE/EKS style) or `v1.32.1-eks` → number. */
export function parseVersion(
  major: string | undefined,
  minor: string | undefined,
  gitVersion: string,
): ServerVersion {
  const fromGit = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const num = (s: string | undefined, fallback: string | undefined) => {
    const m = /^(\d+)/.exec(s ?? "");
    return m ? Number(m[1]) : Number(fallback ?? Number.NaN);
  };
  return {
    major: num(major, fromGit?.[1]),
    minor: num(minor, fromGit?.[2]),
    gitVersion,
  };
}

/** Builds a Discovery from `/api` and `/apis` documents. */
export function parseDiscovery(coreVersions: unknown, groupList: unknown): Discovery {
  const served = new Set<string>();
  const preferred = new Map<string, string>();
  const core = getArray(coreVersions, ["versions"]).filter((v): v is string => typeof v === "string");
  for (const v of core) served.add(v);
  if (core.length > 0) preferred.set("", core[0]!);
  for (const g of getArray(groupList, ["groups"])) {
    const name = getString(g, ["name"]);
    if (name === undefined) continue;
    for (const v of getArray(g, ["versions"])) {
      const gv = getString(v, ["groupVersion"]);
      if (gv) served.add(gv);
    }
    const pref = getString(g, ["preferredVersion", "groupVersion"]);
    if (pref) preferred.set(name, pref);
  }
  return { served, preferred };
}

/** Merges kubeconfigs (objects, paths or YAML) into one; later entries win on name clashes. */
export function mergeKubeconfigs(sources: Array<KubeConfig | string>): KubeConfig {
  const merged = new KubeConfig();
  const clusters = new Map<string, KubeConfig["clusters"][number]>();
  const users = new Map<string, KubeConfig["users"][number]>();
  const contexts = new Map<string, KubeConfig["contexts"][number]>();
  let current = "";
  for (const src of sources) {
    const kc = loadKubeconfig(src);
    for (const c of kc.clusters) clusters.set(c.name, c);
    for (const u of kc.users) users.set(u.name, u);
    for (const c of kc.contexts) contexts.set(c.name, c);
    if (current === "") current = kc.currentContext;
  }
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext: current,
  });
  return merged;
}

/** A KubeConfig from an object, YAML text, a file path, or (undefined) `KUBECONFIG` / default loading. */
export function loadKubeconfig(src: KubeConfig | string | undefined): KubeConfig {
  if (src instanceof KubeConfig) return src;
  const kc = new KubeConfig();
  if (src === undefined) kc.loadFromDefault();
  else if (/^\s*(apiVersion|kind|clusters|contexts|users|current-context)\s*:/m.test(src))
    kc.loadFromString(src);
  else kc.loadFromFile(src);
  return kc;
}

function contextConfig(base: KubeConfig, context: string): KubeConfig {
  if (!base.contexts.some((c) => c.name === context)) {
    const known = base.contexts.map((c) => c.name).join(", ") || "none";
    throw new Error(`kubeconfig has no context "${context}" (known: ${known})`);
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: context,
  });
  return kc;
}

export interface RegistryOptions {
  kubeconfig?: KubeConfig | string;
  logger?: Logger;
  clock?: Clock;
  retry?: RetryOptions;
  /** Per-request deadline in ms (default 30 s). */
  requestTimeoutMs?: number;
}

export class ClusterRegistry {
  private readonly base: KubeConfig;
  private readonly clients = new Map<string, ClusterClient>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly retry: RetryOptions;
  private readonly requestTimeoutMs: number;

  constructor(opts: RegistryOptions = {}) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.base = loadKubeconfig(opts.kubeconfig);
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? systemClock;
    this.retry = opts.retry ?? defaultRetry;
  }

  /** The client of `cluster` under `limits` (one client, and so one rate limiter, per pair). */
  client(cluster: { name: string; context: string }, limits: RequestLimits): ClusterClient {
    const key = `${cluster.name}|${cluster.context}|${limits.concurrency}|${limits.requestsPerSecond}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.build(cluster.name, cluster.context, limits);
      this.clients.set(key, client);
    }
    return client;
  }

  private build(name: string, context: string, limits: RequestLimits): ClusterClient {
    const kc = contextConfig(this.base, context);
    const policy = new RequestPolicy(
      limits,
      this.retry,
      this.clock,
      this.logger.child?.({ cluster: name }) ?? this.logger,
    );
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error(`kubeconfig context "${context}" has no cluster server`);
    // Every request gets a deadline: a request that hangs is retried like a reset connection.
    const dispatcher = new SharedDispatcher(kc, limits.concurrency * 2);
    const reuseConnections = async (req: RequestContext) => {
      if (req.getDispatcher() === undefined) return;
      const shared = await dispatcher.get();
      if (shared) req.setDispatcher(shared);
    };
    const timeout: Middleware = {
      pre: async (req) => {
        req.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
        await reuseConnections(req);
        return req;
      },
      post: async (res) => res,
    };
    const config = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [timeout],
    });
    const sendJson = async (method: HttpMethod, path: string, payload?: unknown): Promise<unknown> => {
      const req = new ServerConfiguration(server, {}).makeRequestContext(path, method);
      req.setHeaderParam("Accept", "application/json");
      if (payload !== undefined) {
        req.setHeaderParam("Content-Type", MERGE_PATCH);
        req.setBody(JSON.stringify(payload));
      }
      req.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
      await kc.applySecurityAuthentication(req);
      const shared = req.getDispatcher() !== undefined ? await dispatcher.get() : undefined;
      const res = shared ? await sendOn(shared, req) : await sendByFetch(config, req);
      const text = res.text || "null";
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      if (res.status < 200 || res.status > 299) {
        throw new ApiException(res.status, `${method} ${path}`, body, res.headers);
      }
      return body;
    };
    const rawGet = (path: string) => sendJson(HttpMethod.GET, path);
    const rawMergePatch = (path: string, body: unknown) => sendJson(HttpMethod.PATCH, path, body);
    let version: Promise<ServerVersion> | undefined;
    let discovery: Promise<Discovery> | undefined;
    return {
      name,
      context,
      core: new CoreV1Api(config),
      apps: new AppsV1Api(config),
      batch: new BatchV1Api(config),
      custom: new CustomObjectsApi(config),
      authz: new AuthorizationV1Api(config),
      apiext: new ApiextensionsV1Api(config),
      policy,
      rawGet,
      rawMergePatch,
      serverVersion: () => {
        version ??= policy
          .call(`${name}: GET /version`, () => rawGet("/version"))
          .then((v) => {
            const r = asRecord(v);
            return parseVersion(
              getString(r, ["major"]),
              getString(r, ["minor"]),
              getString(r, ["gitVersion"]) ?? "",
            );
          });
        version.catch(() => {
          version = undefined;
        });
        return version;
      },
      discovery: () => {
        discovery ??= Promise.all([
          policy.call(`${name}: GET /api`, () => rawGet("/api")),
          policy.call(`${name}: GET /apis`, () => rawGet("/apis")),
        ]).then(([core, groups]) => parseDiscovery(core, groups));
        discovery.catch(() => {
          discovery = undefined;
        });
        return discovery;
      },
    };
  }
}
