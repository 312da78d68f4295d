// What a button carries: the migration id, the step (for gates) and the version the person saw, as
// compact JSON. The engine compares the version, so a click on an old message is refused as stale.

export const ACTION_APPROVE = "hikkoshi.approve";
export const ACTION_ROLLBACK = "hikkoshi.rollback";
export const ACTION_RETRY = "hikkoshi.retry";

export interface ButtonValue {
  migrationId: string;
  version: number;
  stepId?: string;
}

/** Slack's limit for a button value. */
export const MAX_BUTTON_VALUE = 2000;

// A value arrives from Slack and may be forged by whoever holds the signing secret or replays a click:
// ids are checked by shape before anything looks them up or shows them.
const MIGRATION_ID = /^[a-z][a-z0-9-]{0,62}-\d{8}-\d{1,6}$/;
const STEP_ID = /^[a-z][a-z0-9-]{0,63}$/;

export function isMigrationId(value: unknown): value is string {
  return typeof value === "string" && MIGRATION_ID.test(value);
}

export function encodeButtonValue(v: ButtonValue): string {
  const compact: { m: string; v: number; s?: string } = { m: v.migrationId, v: v.version };
  if (v.stepId !== undefined) compact.s = v.stepId;
  return JSON.stringify(compact);
}

export function decodeButtonValue(raw: string | undefined): ButtonValue | undefined {
  if (raw === undefined || raw.length > MAX_BUTTON_VALUE) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  if (!isMigrationId(o.m)) return undefined;
  if (typeof o.v !== "number" || !Number.isSafeInteger(o.v) || o.v < 0) return undefined;
  if (o.s !== undefined && !(typeof o.s === "string" && STEP_ID.test(o.s))) return undefined;
  return { migrationId: o.m, version: o.v, ...(typeof o.s === "string" ? { stepId: o.s } : {}) };
}
