// The field-level causes of a 422 Invalid, worded as the apiserver's field errors word them, so that
// every check that rejects a field reads the same as the real one does.

import type { StatusCause } from "./errors.js";
import type { JsonValue } from "./types.js";

/** A value as a cause quotes it: a string in double quotes, anything else as JSON. */
export function quoted(value: JsonValue | undefined): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value ?? null);
}

/** FieldValueInvalid: `Invalid value: <value>: <why>`. */
export function invalidValue(field: string, value: JsonValue | undefined, why: string): StatusCause {
  return { reason: "FieldValueInvalid", field, message: `Invalid value: ${quoted(value)}: ${why}` };
}

/** FieldValueRequired: the field is missing. */
export function requiredValue(field: string): StatusCause {
  return { reason: "FieldValueRequired", field, message: "Required value" };
}

/** FieldValueNotSupported: the value is not one of `supported`. */
export function unsupportedValue(
  field: string,
  value: JsonValue | undefined,
  supported: readonly string[],
): StatusCause {
  const listed = supported.map((s) => `"${s}"`).join(", ");
  return {
    reason: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${quoted(value)}: supported values: ${listed}`,
  };
}
