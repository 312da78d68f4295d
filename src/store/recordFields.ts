// A migration record as the views read it: the `json` field plus the Slack fields the live store keeps
// beside it (never inside the JSON, so they never bump `version`). One decoder for every read path.

import type { Migration, Progress, SlackRef } from "../migration/types.js";
import { liveFields } from "./keys.js";

/** The hash fields a view reads, in the order `fromRecordFields` takes them. */
export const VIEW_FIELDS = [
  "json",
  liveFields.ref,
  liveFields.threadCursor,
  liveFields.renderedVersion,
] as const;

export function fromRecordFields(
  json: string | null,
  slack: string | null,
  cursor: string | null,
  rendered: string | null,
): Migration | undefined {
  if (!json) return undefined;
  const { slack: _stale, ...m } = JSON.parse(json) as Migration;
  if (!slack) return m;
  // Where the message is, how far its thread got and which version it shows (status replies, catch-up).
  return {
    ...m,
    slack: {
      ...(JSON.parse(slack) as SlackRef),
      ...(cursor ? { threadCursor: cursor } : {}),
      ...(rendered ? { renderedVersion: Number(rendered) } : {}),
    },
  };
}

/** HGETALL of the progress hash, as a flat [field, value, ...] reply or an object. */
export function fromProgressFields(raw: string[] | Record<string, string>): Record<string, Progress> {
  const out: Record<string, Progress> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) out[raw[i]!] = JSON.parse(raw[i + 1]!) as Progress;
  } else for (const [k, v] of Object.entries(raw)) out[k] = JSON.parse(v) as Progress;
  return out;
}
