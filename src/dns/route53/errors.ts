// Sorting Route 53 errors into "retry it" and "a person must fix something", with Route 53's own message
// and the fix. Pure: looks only at the error object the SDK threw.

import { PermanentDnsError } from "../errors.js";

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
