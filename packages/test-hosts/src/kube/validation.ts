// Server-side validation: the official OpenAPI schemas (kubernetes-models) plus the semantic checks
// an apiserver's strategy runs (names, labels, selectors, schedules).

import { CronExpressionParser } from "cron-parser";
import { invalidValue, requiredValue, unsupportedValue } from "./causes.js";
import { badRequest, invalid, type KubeError, type StatusCause } from "./errors.js";
import { MODELS } from "./models.js";
import type { ResourceDef } from "./resources.js";
import { fromLabelSelectorObject, matchesLabels } from "./selectors.js";
import {
  getIn,
  getNumber,
  getString,
  getStringMap,
  isObject,
  type JsonValue,
  type KubeObject,
} from "./types.js";

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function isAjvError(v: unknown): v is AjvError {
  return typeof v === "object" && v !== null && "instancePath" in v && "keyword" in v;
}

/** `/spec/containers/0/image` → `spec.containers[0].image`. */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (extra) parts.push(extra);
  let out = "";
  for (const p of parts) {
    const s = p.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

function pointerGet(obj: JsonValue, instancePath: string): JsonValue | undefined {
  return getIn(
    obj,
    instancePath
      .split("/")
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")),
  );
}

export interface ValidationContext {
  def: ResourceDef;
  version: string;
  /** Accept 6-field (seconds) CronJob schedules; a real apiserver does not. */
  cronSeconds: boolean;
}

/** Throws the Status a real apiserver answers with when `obj` is not acceptable. */
export function validateObject(obj: KubeObject, ctx: ValidationContext): void {
  const { def } = ctx;
  const name = obj.metadata?.name ?? "";
  const schemaCauses = schemaErrors(obj, ctx);
  if (schemaCauses instanceof Error) throw schemaCauses;
  const causes = [...schemaCauses, ...semanticErrors(obj, ctx)];
  if (causes.length > 0) throw invalid(def.group, def.kind, name, causes);
}

function schemaErrors(obj: KubeObject, ctx: ValidationContext): StatusCause[] | KubeError {
  const gv = ctx.def.group ? `${ctx.def.group}/${ctx.version}` : ctx.version;
  const Model = MODELS[`${gv}/${ctx.def.kind}`];
  if (!Model) return [];
  try {
    new Model({ ...obj, apiVersion: gv, kind: ctx.def.kind } as never).validate();
    return [];
  } catch (e) {
    const errors: unknown[] =
      typeof e === "object" && e !== null && "errors" in e && Array.isArray(e.errors) ? e.errors : [];
    const causes: StatusCause[] = [];
    for (const err of errors.filter(isAjvError)) {
      const value = pointerGet(obj, err.instancePath);
      switch (err.keyword) {
        case "type":
          // The real apiserver fails to decode a wrongly typed field: 400, not 422.
          return badRequest(
            `${ctx.def.kind} in version "${ctx.version}" cannot be handled as a ${ctx.def.kind}: json: cannot unmarshal ${jsonType(value)} into Go struct field .${fieldPath(err.instancePath)} of type ${String(err.params.type)}`,
          );
        case "required":
          causes.push(requiredValue(fieldPath(err.instancePath, String(err.params.missingProperty))));
          break;
        case "enum": {
          const allowed = Array.isArray(err.params.allowedValues) ? err.params.allowedValues : [];
          causes.push(unsupportedValue(fieldPath(err.instancePath), value, allowed.map(String)));
          break;
        }
        default:
          causes.push(invalidValue(fieldPath(err.instancePath), value, err.message ?? err.keyword));
      }
    }
    if (causes.length === 0) causes.push({ reason: "FieldValueInvalid", message: String(e) });
    return causes;
  }
}

function jsonType(v: JsonValue | undefined): string {
  if (Array.isArray(v)) return "array";
  if (v === null || v === undefined) return "null";
  return typeof v === "object" ? "object" : typeof v;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function nameCauses(def: ResourceDef, name: string): StatusCause[] {
  const why = name ? nameProblem(def.kind, name) : undefined;
  return why ? [invalidValue("metadata.name", name, why)] : [];
}

/** What is wrong with an object's name, worded as the apiserver words it; undefined when it is valid. */
function nameProblem(kind: string, name: string): string | undefined {
  if (kind === "Namespace" && (!DNS1123_LABEL.test(name) || name.length > 63))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  if (kind === "Service" && (!DNS1035_LABEL.test(name) || name.length > 63))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)
    return `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  if (kind === "CronJob" && name.length > 52) return "must be no more than 52 characters";
  return undefined;
}

function labelCauses(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(getStringMap(obj, ["metadata", "labels"]))) {
    const namePart = k.includes("/") ? k.slice(k.indexOf("/") + 1) : k;
    if (!LABEL_KEY_NAME.test(namePart) || namePart.length > 63) {
      causes.push(
        invalidValue(
          "metadata.labels",
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
    if (!LABEL_VALUE.test(v) || v.length > 63) {
      causes.push(
        invalidValue(
          "metadata.labels",
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return causes;
}

/** Valid CronJob schedule? Returns an error message, or undefined when valid. */
export function scheduleError(schedule: string, cronSeconds: boolean): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (!schedule.startsWith("@") && fields.length !== 5 && !(cronSeconds && fields.length === 6)) {
    return `Expected exactly 5 fields, found ${fields.length}: ${schedule}`;
  }
  try {
    CronExpressionParser.parse(schedule, { tz: "UTC" });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function validTimeZone(tz: string): boolean {
  if (tz.trim() !== tz || tz === "" || tz.toLowerCase() === "local") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function restartPolicyCause(template: JsonValue | undefined, prefix: string): StatusCause[] {
  const policy = getString(template, ["spec", "restartPolicy"]);
  if (policy === "OnFailure" || policy === "Never") return [];
  return [unsupportedValue(`${prefix}.spec.restartPolicy`, policy ?? "", ["OnFailure", "Never"])];
}

function semanticErrors(obj: KubeObject, ctx: ValidationContext): StatusCause[] {
  const { def } = ctx;
  const causes = [...nameCauses(def, obj.metadata?.name ?? ""), ...labelCauses(obj)];
  const spec = obj.spec;
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(def.kind) && isObject(spec)) {
    const replicas = getNumber(spec, ["replicas"]);
    if (replicas !== undefined && replicas < 0) {
      causes.push(invalidValue("spec.replicas", replicas, "must be greater than or equal to 0"));
    }
    const selector = fromLabelSelectorObject(getIn(spec, ["selector"]));
    const templateLabels = getStringMap(spec, ["template", "metadata", "labels"]);
    if (isObject(getIn(spec, ["selector"])) && selector.length === 0) {
      // The apiserver quotes the empty selector as Go prints it, not as JSON.
      causes.push({
        reason: "FieldValueInvalid",
        field: "spec.selector",
        message:
          "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
      });
    } else if (selector.length > 0 && !matchesLabels(templateLabels, selector)) {
      causes.push(
        invalidValue(
          "spec.template.metadata.labels",
          templateLabels,
          "`selector` does not match template `labels`",
        ),
      );
    }
  }
  if (def.kind === "CronJob" && isObject(spec)) {
    const schedule = getString(spec, ["schedule"]);
    if (schedule !== undefined) {
      const err = scheduleError(schedule, ctx.cronSeconds);
      if (err) causes.push(invalidValue("spec.schedule", schedule, err));
    }
    const tz = getString(spec, ["timeZone"]);
    if (tz !== undefined && !validTimeZone(tz)) {
      causes.push(invalidValue("spec.timeZone", tz, `unknown time zone ${tz}`));
    }
    const sds = getNumber(spec, ["startingDeadlineSeconds"]);
    if (sds !== undefined && sds < 0) {
      causes.push(invalidValue("spec.startingDeadlineSeconds", sds, "must be greater than or equal to 0"));
    }
    if (isObject(getIn(spec, ["jobTemplate", "spec", "template"]))) {
      causes.push(
        ...restartPolicyCause(
          getIn(spec, ["jobTemplate", "spec", "template"]),
          "spec.jobTemplate.spec.template",
        ),
      );
    }
  }
  if (def.kind === "Job" && isObject(getIn(spec, ["template"]))) {
    causes.push(...restartPolicyCause(getIn(spec, ["template"]), "spec.template"));
  }
  if (def.kind === "Service" && isObject(spec)) {
    const type = getString(spec, ["type"]) ?? "ClusterIP";
    const ports = getIn(spec, ["ports"]);
    const headless = getString(spec, ["clusterIP"]) === "None";
    if (type !== "ExternalName" && !headless && (!Array.isArray(ports) || ports.length === 0)) {
      causes.push(requiredValue("spec.ports"));
    }
  }
  return causes;
}
