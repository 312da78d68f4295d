// metav1.Status error bodies, shaped like k8s.io/apimachinery/pkg/api/errors builds them.

import type { JsonObject } from "./types.js";

export interface StatusCause extends JsonObject {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails extends JsonObject {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "Forbidden"
  | "MethodNotAllowed"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Expired"
  | "Gone";

export interface StatusBody extends JsonObject {
  kind: "Status";
  apiVersion: "v1";
  metadata: JsonObject;
  status: "Failure" | "Success";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A failed API call: carries the exact Status the server answers with. */
export class KubeError extends Error {
  readonly status: StatusBody;
  readonly headers: Record<string, string>;
  constructor(status: StatusBody, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? "error");
    this.status = status;
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

/** `deployments.apps` or `configmaps` (core group has no suffix). */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusBody {
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return body;
}

/** The details' `kind` is what the apiserver puts there: the plural for most errors, the Kind for Invalid. */
function resourceDetails(group: string, kind: string, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = kind;
  return d;
}

/**
 * An error about one named object: `message` gets the object as the apiserver names it
 * (`plural.group "name"`), and the details carry its group, kind (the plural) and name.
 */
function objectError(
  status: number,
  reason: StatusReason,
  object: { group: string; plural: string; name: string },
  message: (named: string) => string,
): KubeError {
  const { group, plural, name } = object;
  const named = `${qualifiedResource(group, plural)} "${name}"`;
  return new KubeError(failure(status, reason, message(named), resourceDetails(group, plural, name)));
}

export function notFound(group: string, plural: string, name: string): KubeError {
  return objectError(404, "NotFound", { group, plural, name }, (named) => `${named} not found`);
}

export function pathNotFound(): KubeError {
  return new KubeError(failure(404, "NotFound", "the server could not find the requested resource", {}));
}

export function alreadyExists(group: string, plural: string, name: string): KubeError {
  return objectError(409, "AlreadyExists", { group, plural, name }, (named) => `${named} already exists`);
}

export function conflict(group: string, plural: string, name: string, why?: string): KubeError {
  const reason =
    why ?? "the object has been modified; please apply your changes to the latest version and try again";
  return objectError(
    409,
    "Conflict",
    { group, plural, name },
    (named) => `Operation cannot be fulfilled on ${named}: ${reason}`,
  );
}

/** 422: `Kind.group "name" is invalid: field: message` with one cause per field error. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): KubeError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ""}` : (c.message ?? "")));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  const details: StatusDetails = { ...resourceDetails(group, kind, name), causes };
  return new KubeError(failure(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${joined}`, details));
}

export function badRequest(message: string): KubeError {
  return new KubeError(failure(400, "BadRequest", message));
}

export function forbidden(
  user: string,
  verb: string,
  group: string,
  plural: string,
  name: string | undefined,
  namespace: string | undefined,
): KubeError {
  const what = name ? `${qualifiedResource(group, plural)} "${name}"` : qualifiedResource(group, plural);
  const scope = namespace ? ` in the namespace "${namespace}"` : " at the cluster scope";
  const message = `${what} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}"${scope}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  details.kind = plural;
  return new KubeError(failure(403, "Forbidden", message, details));
}

export function methodNotAllowed(): KubeError {
  return new KubeError(
    failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}),
  );
}

export function unsupportedMediaType(contentType: string): KubeError {
  return new KubeError(
    failure(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
    ),
  );
}

export function tooManyRequests(retryAfterSeconds: number): KubeError {
  return new KubeError(
    failure(429, "TooManyRequests", "Too many requests, please try again later.", { retryAfterSeconds }),
    { "Retry-After": String(retryAfterSeconds) },
  );
}

export function internalError(message: string): KubeError {
  return new KubeError(
    failure(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] }),
  );
}

export function expired(message: string): KubeError {
  return new KubeError(failure(410, "Expired", message));
}

export function successStatus(
  group: string,
  plural: string,
  name: string,
  uid: string | undefined,
): StatusBody {
  const details = resourceDetails(group, plural, name);
  if (uid) details.uid = uid;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}
