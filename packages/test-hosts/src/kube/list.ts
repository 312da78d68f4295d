// List semantics: selectors, pagination with opaque continue tokens, and the List envelope.

import { badRequest } from "./errors.js";
import type { ResourceDef } from "./resources.js";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import type { JsonObject, KubeObject } from "./types.js";

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

interface ContinueToken {
  v: "meta.k8s.io/v1";
  rv: number;
  start: string;
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

export function encodeContinue(rv: number, lastKey: string): string {
  const token: ContinueToken = { v: "meta.k8s.io/v1", rv, start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "v" in parsed &&
      parsed.v === "meta.k8s.io/v1" &&
      "rv" in parsed &&
      typeof parsed.rv === "number" &&
      "start" in parsed &&
      typeof parsed.start === "string"
    ) {
      return { v: "meta.k8s.io/v1", rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

export interface ListPage {
  items: KubeObject[];
  continue?: string;
  remainingItemCount?: number;
  resourceVersion: string;
}

/** Filters and pages objects (already in key order). */
export function selectPage(
  def: ResourceDef,
  all: KubeObject[],
  currentRv: string,
  opts: ListOptions,
): ListPage {
  const labelSel = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
  const fieldSel = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, def.kind) : [];
  let rv = Number(currentRv);
  let startKey = "";
  if (opts.continue) {
    const token = decodeContinue(opts.continue);
    rv = token.rv;
    startKey = token.start;
  }
  const matching = all.filter(
    (o) =>
      keyOf(o) >= startKey && matchesLabels(o.metadata?.labels ?? {}, labelSel) && matchesFields(o, fieldSel),
  );
  const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
  if (limit === undefined || matching.length <= limit) {
    return { items: matching, resourceVersion: String(rv) };
  }
  const items = matching.slice(0, limit);
  const last = items[items.length - 1]!;
  return {
    items,
    continue: encodeContinue(rv, keyOf(last)),
    // Like etcd3 storage: no remaining count when a selector filtered the list.
    ...(labelSel.length === 0 && fieldSel.length === 0
      ? { remainingItemCount: matching.length - limit }
      : {}),
    resourceVersion: String(rv),
  };
}

export function listEnvelope(def: ResourceDef, apiVersion: string, page: ListPage): KubeObject {
  const metadata: JsonObject = { resourceVersion: page.resourceVersion };
  if (page.continue) metadata.continue = page.continue;
  if (page.remainingItemCount !== undefined) metadata.remainingItemCount = page.remainingItemCount;
  return { kind: `${def.kind}List`, apiVersion, metadata, items: page.items };
}
