// Helpers of KubeApi: patch content types and bodies, field-manager names, CRD status.

import { parse as parseYaml } from "yaml";
import { badRequest, invalid, unsupportedMediaType } from "./errors.js";
import { applyJsonPatch, mergePatch, PatchError, parseJsonPatch, strategicMergePatch } from "./patch.js";
import type { ResourceDef } from "./resources.js";
import {
  getIn,
  getString,
  isObject,
  type JsonObject,
  type JsonValue,
  type KubeObject,
  rfc3339,
} from "./types.js";

export type PatchType = "json" | "merge" | "strategic" | "apply";

export function patchTypeOf(contentType: string): PatchType {
  const ct = contentType.split(";")[0]!.trim().toLowerCase();
  if (ct === "application/json-patch+json") return "json";
  if (ct === "application/merge-patch+json") return "merge";
  if (ct === "application/strategic-merge-patch+json") return "strategic";
  if (ct === "application/apply-patch+yaml") return "apply";
  throw unsupportedMediaType(ct);
}

export function decodePatch(type: PatchType, rawBody: string, fieldManager: string | undefined): JsonValue {
  let body: JsonValue;
  try {
    body = type === "apply" ? (parseYaml(rawBody) as JsonValue) : (JSON.parse(rawBody) as JsonValue);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (type === "apply" && !fieldManager) {
    throw invalid("meta.k8s.io", "PatchOptions", "", [
      {
        reason: "FieldValueRequired",
        message: "Required value: is required for apply patch",
        field: "fieldManager",
      },
    ]);
  }
  return body;
}

/** The patched document; 400 for a malformed patch, 422 when it cannot apply, 415 for SMP on a CR. */
export function applyPatchDocument(
  def: ResourceDef,
  name: string,
  type: PatchType,
  old: KubeObject,
  body: JsonValue,
): KubeObject {
  let patched: JsonValue;
  try {
    if (type === "json") patched = applyJsonPatch(old, parseJsonPatch(body));
    else if (type === "strategic" && def.crd)
      throw unsupportedMediaType("application/strategic-merge-patch+json");
    else if (type === "strategic") patched = strategicMergePatch(old, body);
    else patched = mergePatch(old, body);
  } catch (e) {
    if (e instanceof PatchError && e.kind === "bad") throw badRequest(e.message);
    if (e instanceof PatchError)
      throw invalid(def.group, def.kind, name, [{ reason: "FieldValueInvalid", message: e.message }]);
    throw e;
  }
  if (!isObject(patched)) throw badRequest("patch produced a non-object");
  return patched;
}

/** Field manager: the fieldManager parameter, else the product part of the User-Agent. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return userAgent?.split("/")[0]?.trim() || "unknown";
}

export function crdStatus(crd: KubeObject, now: number): JsonObject {
  const at = rfc3339(now);
  const versions = getIn(crd, ["spec", "versions"]);
  const stored = Array.isArray(versions)
    ? versions.filter((v) => isObject(v) && v.storage === true).map((v) => getString(v, ["name"]) ?? "")
    : [];
  const names = getIn(crd, ["spec", "names"]);
  return {
    acceptedNames: isObject(names) ? names : {},
    conditions: [
      {
        type: "NamesAccepted",
        status: "True",
        lastTransitionTime: at,
        reason: "NoConflicts",
        message: "no conflicts found",
      },
      {
        type: "Established",
        status: "True",
        lastTransitionTime: at,
        reason: "InitialNamesAccepted",
        message: "the initial names have been accepted",
      },
    ],
    storedVersions: stored,
  };
}
