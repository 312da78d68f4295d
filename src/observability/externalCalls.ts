// Calls to Slack, Kubernetes and Route 53, counted where they are made (the Kubernetes request policy, the
// Route 53 retry wrapper, the Slack Web API wrapper) with one line each. A process-wide hub, so the
// adapters need no new constructor option: each metrics registry in the process subscribes to it.

export type ExternalService = "slack" | "kubernetes" | "route53";

/** What one attempt came to; `throttled`, `5xx` and `timeout` are the kinds an operator alerts on. */
export type CallOutcome = "ok" | "throttled" | "5xx" | "timeout" | "4xx" | "network" | "error";

export type ExternalCallListener = (service: ExternalService, outcome: CallOutcome) => void;

const listeners = new Set<ExternalCallListener>();

/** Subscribes to every call recorded in this process; returns the unsubscribe. */
export function onExternalCall(listener: ExternalCallListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Records one attempt (a retried request counts once per attempt). Never throws. */
export function recordExternalCall(service: ExternalService, outcome: CallOutcome): void {
  for (const l of listeners) {
    try {
      l(service, outcome);
    } catch {
      // a metrics listener must never break a call
    }
  }
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === "object" && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

const THROTTLED = /thrott|toomanyrequests|ratelimit|rate_limit|requestlimitexceeded|slowdown/i;
const TIMEOUT = /timeout|timedout|ETIMEDOUT|aborted|AbortError/i;
const NETWORK =
  /^(ECONNRESET|ECONNREFUSED|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED)$/;

/**
 * Sorts a failed call by what it says, whichever client threw it: an HTTP status (Kubernetes'
 * ApiException `code`, the AWS SDK's `$metadata.httpStatusCode`, Slack's `statusCode`), an error
 * name or code (Route 53 `Throttling` answers 400, Slack's `SlackRateLimited`), or a network code.
 */
export function classifyCallError(err: unknown): CallOutcome {
  const names = [field(err, "name"), field(err, "code"), field(field(err, "cause"), "code")]
    .filter((v): v is string => typeof v === "string")
    .join(" ");
  if (THROTTLED.test(names)) return "throttled";
  const status = [
    field(err, "code"),
    field(err, "statusCode"),
    field(field(err, "$metadata"), "httpStatusCode"),
  ].find((v): v is number => typeof v === "number" && v >= 100 && v <= 599);
  if (status === 429) return "throttled";
  if (status !== undefined && status >= 500) return "5xx";
  if (TIMEOUT.test(names)) return "timeout";
  if (status !== undefined && status >= 400) return "4xx";
  if (names.split(" ").some((n) => NETWORK.test(n))) return "network";
  return "error";
}
