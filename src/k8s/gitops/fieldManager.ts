// Who last changed a field, from metadata.managedFields: the newest main-resource entry, preferring
// entries that own the field (fieldsV1) and managers other than hikkoshi's own on a tie (managedFields
// times have one-second precision). Pure.

import { getArray, getIn, getString, getTime, isRecord } from "../objects.js";

/** `field` as the fieldsV1 path of a spec field, e.g. `["f:spec", "f:suspend"]`. */
export function lastWriter(obj: unknown, field: readonly string[]): string {
  const entries = getArray(obj, ["metadata", "managedFields"]).filter(
    (e) => isRecord(e) && getString(e, ["subresource"]) === undefined && getString(e, ["manager"]),
  );
  if (entries.length === 0) return "unknown";
  const owning = entries.filter((e) => getIn(e, ["fieldsV1", ...field]) !== undefined);
  const pool = owning.length > 0 ? owning : entries;
  const newest = Math.max(...pool.map((e) => getTime(e, ["time"]) ?? 0));
  const latest = pool.filter((e) => (getTime(e, ["time"]) ?? 0) === newest);
  const others = latest.filter((e) => !(getString(e, ["manager"]) ?? "").startsWith("hikkoshi"));
  const pick = (others.length > 0 ? others : latest).at(-1);
  return getString(pick, ["manager"]) ?? "unknown";
}
