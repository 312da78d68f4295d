// The moments a forbidden resource stopped on the source and started on the target, written on the
// objects in the same patch that stops or starts them. A write either happens with its mark or not at
// all, so a worker killed anywhere leaves the true moments behind, and the retry reports the real gap
// instead of its own.

import { getString } from "../objects.js";

export const STOPPED_ANNOTATION = "hikkoshi.dev/handoff-stopped";
export const STARTED_ANNOTATION = "hikkoshi.dev/handoff-started";
/** The lastScheduleTime carried to the target with the start (what its controller counts from). */
export const CARRIED_ANNOTATION = "hikkoshi.dev/handoff-carried";

/** `<migration id> <RFC 3339 with ms>`: the migration it belongs to, so an old migration's mark is ignored. */
export function markValue(migrationId: string, at: number): string {
  return `${migrationId} ${new Date(at).toISOString()}`;
}

/** The moment in a mark of this migration, or undefined (absent, another migration's, unreadable). */
export function parseMark(value: string | undefined, migrationId: string): number | undefined {
  if (value === undefined) return undefined;
  const space = value.lastIndexOf(" ");
  if (space <= 0 || value.slice(0, space) !== migrationId) return undefined;
  const at = Date.parse(value.slice(space + 1));
  return Number.isFinite(at) ? at : undefined;
}

export function readMark(obj: unknown, annotation: string, migrationId: string): number | undefined {
  return parseMark(getString(obj, ["metadata", "annotations", annotation]), migrationId);
}
