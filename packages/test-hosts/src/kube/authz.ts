// Authorization rules: what SelfSubjectAccessReview answers and, when enforced, what requests get 403.

import type { JsonObject, KubeObject } from "./types.js";
import { getString, isObject } from "./types.js";

/** A denial rule; every field left out matches anything. */
export interface DenyRule {
  verb?: string | string[];
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function matchOne(rule: string | string[] | undefined, value: string | undefined): boolean {
  if (rule === undefined || rule === "*") return true;
  if (Array.isArray(rule)) return rule.includes(value ?? "") || rule.includes("*");
  return rule === (value ?? "");
}

export function isDenied(rules: readonly DenyRule[], req: AccessRequest): boolean {
  return rules.some(
    (r) =>
      matchOne(r.verb, req.verb) &&
      matchOne(r.group, req.group) &&
      matchOne(r.resource, req.resource) &&
      (r.subresource === undefined || r.subresource === (req.subresource ?? "")) &&
      matchOne(r.namespace, req.namespace) &&
      matchOne(r.name, req.name),
  );
}

/** Answers a SelfSubjectAccessReview (the review object echoed back with `status`). */
export function reviewAccess(rules: readonly DenyRule[], review: KubeObject): KubeObject {
  const attrs = review.spec && isObject(review.spec) ? review.spec.resourceAttributes : undefined;
  const req: AccessRequest = {
    verb: getString(attrs, ["verb"]) ?? "",
    group: getString(attrs, ["group"]) ?? "",
    resource: getString(attrs, ["resource"]) ?? "",
    subresource: getString(attrs, ["subresource"]),
    namespace: getString(attrs, ["namespace"]),
    name: getString(attrs, ["name"]),
  };
  const denied = isObject(attrs) && isDenied(rules, req);
  const status: JsonObject = denied
    ? { allowed: false, reason: "denied by sandbox authorization rule" }
    : { allowed: true, reason: "" };
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: {},
    spec: review.spec ?? {},
    status,
  };
}
