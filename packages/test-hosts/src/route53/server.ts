// A Route 53 API test host: node:http on 127.0.0.1 speaking the REST-XML API (2013-04-01) for the calls
// hikkoshi makes, so the real @aws-sdk/client-route-53 talks to it through its endpoint setting.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { readBody } from "../http/body.js";
import { closeServer, listenOnLoopback } from "../http/listen.js";
import { emptyCounters, type Route53Counters, Route53Faults, type Route53Op } from "./faults.js";
import { storedName } from "./names.js";
import { MalformedRequest, parseChangeRequest } from "./parse.js";
import { type ChangeState, type CreateZoneOptions, Route53Store, type ZoneState } from "./store.js";
import { DOCUMENTED_LIMITS, type Route53Limits, Route53Throttle } from "./throttle.js";
import { changeInfoXml, document, errorXml, hostedZoneXml, leaf, recordSetXml } from "./xml.js";

export interface Route53HostOptions {
  /** Delay between a change's submission and INSYNC (default 20 ms). */
  insyncDelayMs?: number;
  /** Reject a change while another change to the same zone is PENDING (default false). */
  priorRequestMode?: boolean;
  /** Account id used in AccessDenied messages. */
  accountId?: string;
  /**
   * Route 53's throttling (token buckets per account, per operation and for record changes): the
   * documented values unless overridden here; `false` turns throttling off.
   */
  limits?: Partial<Route53Limits> | false;
}

export interface RequestLogEntry {
  at: number;
  op: Route53Op | "Unknown";
  status: number;
  code?: string;
}

export interface Route53Host {
  /** `http://127.0.0.1:<port>`: pass as the SDK's `endpoint` or AWS_ENDPOINT_URL_ROUTE_53. */
  endpoint: string;
  store: Route53Store;
  faults: Route53Faults;
  /** The throttling buckets; `throttle.configure(...)` sets new limits with full buckets. */
  throttle: Route53Throttle;
  counters: Route53Counters;
  requestLog: RequestLogEntry[];
  createZone(opts: CreateZoneOptions): string;
  /** Direct fixture access: bypasses Route 53's validation (for states the real API forbids). */
  putRecordSets(zoneId: string, sets: ResourceRecordSet[]): void;
  removeRecordSets(zoneId: string, name: string, type?: string): void;
  recordSets(zoneId: string): ResourceRecordSet[];
  changeLog(): ChangeState[];
  resetCounters(): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messages?: string[],
  ) {
    super(message);
  }
}

interface Route {
  op: Route53Op;
  zoneId?: string;
  changeId?: string;
}

function route(method: string, path: string): Route | undefined {
  const p = path.replace(/\/+$/, "");
  if (method === "GET" && p === "/2013-04-01/hostedzonesbyname") return { op: "ListHostedZonesByName" };
  const rrset = p.match(/^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/);
  if (rrset) {
    const zoneId = decodeURIComponent(rrset[1]!);
    if (method === "GET") return { op: "ListResourceRecordSets", zoneId };
    if (method === "POST") return { op: "ChangeResourceRecordSets", zoneId };
  }
  const zone = p.match(/^\/2013-04-01\/hostedzone\/([^/]+)$/);
  if (method === "GET" && zone) return { op: "GetHostedZone", zoneId: decodeURIComponent(zone[1]!) };
  const change = p.match(/^\/2013-04-01\/change\/([^/]+)$/);
  if (method === "GET" && change) return { op: "GetChange", changeId: decodeURIComponent(change[1]!) };
  return undefined;
}

function maxItems(raw: string | null, dflt: number, cap: number): number {
  if (raw === null) return dflt;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, "InvalidInput", `Invalid value '${raw}' for maxitems`);
  return Math.min(Math.max(Number(raw), 1), cap);
}

export async function startRoute53Host(opts: Route53HostOptions = {}): Promise<Route53Host> {
  const store = new Route53Store();
  const faults = new Route53Faults(opts.insyncDelayMs ?? 20);
  faults.priorRequestMode = opts.priorRequestMode ?? false;
  const accountId = opts.accountId ?? "123456789012";
  const throttle = new Route53Throttle(
    opts.limits === false ? undefined : { ...DOCUMENTED_LIMITS, ...opts.limits },
  );
  let counters = emptyCounters();
  const requestLog: RequestLogEntry[] = [];

  function zoneOf(zoneId: string): ZoneState {
    const zone = store.zones.get(zoneId);
    if (!zone) throw new ApiError(404, "NoSuchHostedZone", `No hosted zone found with ID: ${zoneId}`);
    return zone;
  }

  function zoneView(z: ZoneState) {
    return { ...z, recordCount: z.records.length };
  }

  function listZonesByName(q: URLSearchParams): string {
    const dnsName = q.get("dnsname") ?? undefined;
    const zoneId = q.get("hostedzoneid") ?? undefined;
    if (zoneId !== undefined && dnsName === undefined) {
      throw new ApiError(400, "InvalidInput", "The input is not valid: hostedzoneid requires dnsname");
    }
    const max = maxItems(q.get("maxitems"), 100, 100);
    const zones = store.zonesFrom(dnsName === undefined ? undefined : storedName(dnsName), zoneId);
    const page = zones.slice(0, max);
    const next = zones[max];
    let inner = `<HostedZones>${page.map((z) => hostedZoneXml(zoneView(z))).join("")}</HostedZones>`;
    inner +=
      leaf("DNSName", dnsName === undefined ? undefined : storedName(dnsName)) + leaf("HostedZoneId", zoneId);
    inner += leaf("IsTruncated", next !== undefined);
    if (next) inner += leaf("NextDNSName", next.name) + leaf("NextHostedZoneId", next.id);
    return document("ListHostedZonesByNameResponse", inner + leaf("MaxItems", max));
  }

  function getZone(zone: ZoneState): string {
    const ns = zone.records.find((r) => r.Type === "NS" && r.Name === zone.name)?.ResourceRecords ?? [];
    const delegation = zone.privateZone
      ? "<VPCs><VPC><VPCRegion>eu-central-1</VPCRegion><VPCId>vpc-0a1b2c3d</VPCId></VPC></VPCs>"
      : `<DelegationSet><NameServers>${ns.map((r) => leaf("NameServer", r.Value)).join("")}</NameServers></DelegationSet>`;
    return document("GetHostedZoneResponse", hostedZoneXml(zoneView(zone)) + delegation);
  }

  function listRecords(zone: ZoneState, q: URLSearchParams): string {
    const name = q.get("name") ?? undefined;
    const type = q.get("type") ?? undefined;
    const identifier = q.get("identifier") ?? undefined;
    if ((type !== undefined && name === undefined) || (identifier !== undefined && type === undefined)) {
      throw new ApiError(
        400,
        "InvalidInput",
        "The input is not valid: type requires name, identifier requires type",
      );
    }
    const max = maxItems(q.get("maxitems"), 100, 300);
    const start: { name?: string; type?: string; identifier?: string } = {};
    if (name !== undefined) start.name = storedName(name);
    if (type !== undefined) start.type = type;
    if (identifier !== undefined) start.identifier = identifier;
    const { sets, next } = store.listPage(zone.id, start, max);
    let inner = `<ResourceRecordSets>${sets.map(recordSetXml).join("")}</ResourceRecordSets>`;
    inner += leaf("IsTruncated", next !== undefined);
    if (next)
      inner +=
        leaf("NextRecordName", next.Name) +
        leaf("NextRecordType", next.Type) +
        leaf("NextRecordIdentifier", next.SetIdentifier);
    return document("ListResourceRecordSetsResponse", inner + leaf("MaxItems", max));
  }

  async function change(
    zone: ZoneState,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<string | undefined> {
    let parsed: ReturnType<typeof parseChangeRequest>;
    try {
      parsed = parseChangeRequest(await readBody(req));
    } catch (err) {
      if (err instanceof MalformedRequest) throw new ApiError(400, "InvalidInput", err.message);
      throw err;
    }
    if (!throttle.admitChanges(parsed.changes.map((c) => c.action))) {
      counters.throttled++;
      counters.throttledBy.changes++;
      throw new ApiError(400, "Throttling", "Rate exceeded");
    }
    if (faults.priorRequestMode && store.hasPendingChange(zone.id)) {
      counters.priorRequestNotComplete++;
      throw new ApiError(
        400,
        "PriorRequestNotComplete",
        "The request was rejected because Route 53 was still processing a prior request.",
      );
    }
    faults.runHooks(store);
    const outcome = store.submit(zone.id, parsed.changes, parsed.comment, faults.insyncDelayMs);
    if (!outcome.ok) {
      counters.changesRejected++;
      const message =
        outcome.code === "InvalidChangeBatch" ? `[${outcome.messages.join(", ")}]` : outcome.messages[0]!;
      throw new ApiError(
        400,
        outcome.code,
        message,
        outcome.code === "InvalidChangeBatch" ? outcome.messages : undefined,
      );
    }
    counters.changesAccepted++;
    if (outcome.effective) counters.changesEffective++;
    const c = outcome.change!;
    if (faults.takeReset()) {
      res.socket?.destroy();
      return undefined;
    }
    const view = {
      id: c.id,
      status: store.status(c),
      submittedAt: c.submittedAt,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
    };
    return document("ChangeResourceRecordSetsResponse", changeInfoXml(view));
  }

  function getChange(id: string): string {
    const c = store.changes.get(id);
    if (!c)
      throw new ApiError(404, "NoSuchChange", `A change with the specified change ID does not exist: ${id}`);
    const view = {
      id: c.id,
      status: store.status(c),
      submittedAt: c.submittedAt,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
    };
    return document("GetChangeResponse", changeInfoXml(view));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const r = route(req.method ?? "GET", url.pathname);
    const send = (status: number, body: string, code?: string) => {
      requestLog.push({ at: Date.now(), op: r?.op ?? "Unknown", status, ...(code ? { code } : {}) });
      res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId });
      res.end(body);
    };
    try {
      if (!r)
        throw new ApiError(
          404,
          "UnknownOperationException",
          `No operation for ${req.method} ${url.pathname}`,
        );
      counters.requests[r.op]++;
      if (!(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        throw new ApiError(403, "MissingAuthenticationToken", "Missing Authentication Token");
      }
      const throttledBy = throttle.admitRequest(r.op);
      if (throttledBy !== undefined) {
        counters.throttled++;
        counters.throttledBy[throttledBy]++;
        throw new ApiError(400, "Throttling", "Rate exceeded");
      }
      if (faults.takeThrottle(r.op)) {
        counters.throttled++;
        throw new ApiError(400, "Throttling", "Rate exceeded");
      }
      if (r.zoneId !== undefined && faults.isDenied(r.zoneId, r.op)) {
        counters.accessDenied++;
        throw new ApiError(
          403,
          "AccessDenied",
          `User: arn:aws:iam::${accountId}:user/hikkoshi is not authorized to perform: route53:${r.op} on resource: arn:aws:route53:::hostedzone/${r.zoneId} because no identity-based policy allows the route53:${r.op} action`,
        );
      }
      let body: string | undefined;
      if (r.op === "ListHostedZonesByName") body = listZonesByName(url.searchParams);
      else if (r.op === "GetHostedZone") body = getZone(zoneOf(r.zoneId!));
      else if (r.op === "ListResourceRecordSets") body = listRecords(zoneOf(r.zoneId!), url.searchParams);
      else if (r.op === "ChangeResourceRecordSets") body = await change(zoneOf(r.zoneId!), req, res);
      else body = getChange(r.changeId!);
      if (body === undefined) {
        requestLog.push({ at: Date.now(), op: r.op, status: 0, code: "ConnectionReset" });
        return;
      }
      send(200, body);
    } catch (err) {
      if (err instanceof ApiError)
        send(err.status, errorXml(err.code, err.message, requestId, err.messages), err.code);
      else send(500, errorXml("InternalFailure", (err as Error).message, requestId), "InternalFailure");
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  const port = await listenOnLoopback(server);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    store,
    faults,
    throttle,
    get counters() {
      return counters;
    },
    requestLog,
    createZone: (o) => store.createZone(o).id,
    putRecordSets: (zoneId, sets) => store.putRecordSets(zoneId, sets),
    removeRecordSets: (zoneId, name, type) => store.removeRecordSets(zoneId, name, type),
    recordSets: (zoneId) => structuredClone(store.mustZone(zoneId).records),
    changeLog: () => [...store.changes.values()],
    resetCounters: () => {
      counters = emptyCounters();
    },
    close: () => closeServer(server),
  };
}
