// What a button carries: the migration id, the step (for gates) and the version the person saw, as
// compact JSON. The engine compares the version, so a click on an old message is refused as stale.

export const ACTION_APPROVE = "hikkoshi.approve";
export const ACTION_ROLLBACK = "hikkoshi.rollback";

export interface ButtonValue {
  migrationId: string;
  version: number;
  stepId?: string;
}

/** Slack's limit for a button value. */
export const MAX_BUTTON_VALUE = 2000;

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
  if (typeof o.m !== "string" || o.m.length === 0) return undefined;
  if (typeof o.v !== "number" || !Number.isInteger(o.v) || o.v < 0) return undefined;
  if (o.s !== undefined && typeof o.s !== "string") return undefined;
  return { migrationId: o.m, version: o.v, ...(typeof o.s === "string" ? { stepId: o.s } : {}) };
}
