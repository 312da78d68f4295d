// Sorting Route 53 errors into "retry it" and "a person must fix something", with Route 53's own message
// and the fix. Pure: looks only at the error object the SDK threw.

import { DnsUnavailableError, PermanentDnsError } from "../errors.js";

const TRANSIENT = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "PriorRequestNotComplete",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
]);

/** The codes Route 53 (and the SDK) answer when the account's request buckets are empty. */
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

const CREDENTIALS = new Set([
  "CredentialsProviderError",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "MissingAuthenticationToken",
  "IncompleteSignature",
]);

export interface CallSite {
  /** The Route 53 action, e.g. `ChangeResourceRecordSets`. */
  op: string;
  zoneId?: string | undefined;
}

export type Classified =
  | { kind: "transient"; code: string; message: string }
  | { kind: "permanent"; error: PermanentDnsError };

function resourceOf(site: CallSite): string {
  if (site.op === "GetChange") return "arn:aws:route53:::change/*";
  if (site.op === "ListHostedZonesByName") return "*";
  return `arn:aws:route53:::hostedzone/${site.zoneId ?? "<zone id>"}`;
}

function fixFor(code: string, site: CallSite): string {
  if (code === "InvalidChangeBatch") {
    return `nothing was changed (Route 53 applies a batch all or nothing); the records in zone ${site.zoneId ?? ""} were probably edited since hikkoshi read them: compare them with the migration's snapshot, correct them, then retry`;
  }
  if (code === "AccessDenied" || code === "AccessDeniedException") {
    return `allow route53:${site.op} on ${resourceOf(site)} for the role hikkoshi runs as (see deploy/iam-policy.json)`;
  }
  if (code === "NoSuchHostedZone")
    return "check dns.hostedZone in the config and that the credentials belong to the zone's account";
  if (CREDENTIALS.has(code)) {
    return "check the AWS credentials hikkoshi runs with (environment, profile or web identity; the standard SDK chain)";
  }
  if (code === "InvalidInput")
    return "the change was malformed; check the record values in the config and the snapshot";
  return "correct what Route 53 names in the message, then retry";
}

function field(err: unknown, key: string): unknown {
  return typeof err === "object" && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

export function classify(err: unknown, site: CallSite): Classified {
  if (err instanceof PermanentDnsError) return { kind: "permanent", error: err };
  const name = typeof field(err, "name") === "string" ? (field(err, "name") as string) : "Error";
  const nodeCode = typeof field(err, "code") === "string" ? (field(err, "code") as string) : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const status = field(field(err, "$metadata"), "httpStatusCode");
  const code = nodeCode !== undefined && TRANSIENT.has(nodeCode) ? nodeCode : name;
  if (TRANSIENT.has(code) || (typeof status === "number" && status >= 500))
    return { kind: "transient", code, message };
  const client = typeof status === "number" && status >= 400 && status < 500;
  if (client || CREDENTIALS.has(code)) {
    const error = new PermanentDnsError(
      `Route 53 ${site.op} refused: ${code}: ${message}`,
      fixFor(code, site),
      code,
    );
    return { kind: "permanent", error };
  }
  return { kind: "transient", code, message };
}

/**
 * What a person is told when a transient error outlasted every attempt (withRetry, the converger): the
 * cause in words, Route 53's own code, and what to do. Only our own sentences and the code go in the
 * message, and of the SDK's text only its first line, shortened (the error object itself carries the
 * signed request).
 */
export function exhaustedError(
  site: CallSite,
  attempts: number,
  code: string,
  detail: string,
): DnsUnavailableError {
  if (THROTTLED.has(code)) {
    return new DnsUnavailableError(
      `Route 53 is throttling this account's requests (${code}: Rate exceeded): ${site.op} was refused ${attempts} times in a row`,
      "try again in a minute; if it keeps happening, something else in the AWS account is using up Route 53's request quota (10 requests per second for the whole account): find it in CloudTrail, or run it at another time",
      code,
    );
  }
  if (code === "PriorRequestNotComplete") {
    return new DnsUnavailableError(
      `Route 53 is still applying an earlier change to zone ${site.zoneId ?? "(unknown)"} (PriorRequestNotComplete), ${attempts} attempts in a row`,
      "try again in a minute; if it lasts, look for a change stuck PENDING on the zone (another tool's) in the Route 53 console",
      code,
    );
  }
  return new DnsUnavailableError(
    `Route 53 did not answer ${site.op} after ${attempts} attempts (${code}: ${(detail.split("\n")[0] ?? "").slice(0, 200)})`,
    "try again in a few minutes; check the AWS Health Dashboard for Route 53 and the network path from hikkoshi to it (AWS_ENDPOINT_URL_ROUTE_53 / AWS_ENDPOINT_URL, if set)",
    code,
  );
}
