// What a verified request to /slack/events is, decided before Bolt sees it: Bolt 5 crashes the process on
// a payload that is not an object and answers 500 (which Slack retries) when `user` or `actions` are
// missing. Only shapes our listeners handle reach Bolt; the rest get a specific answer here.
// The body is read the way Bolt reads it (form field `payload` as JSON, or the form itself, or JSON).

import { parse as parseQuery } from "node:querystring";
import { z } from "zod";
import { isChannelId, isUserId } from "../render/format.js";

export type Envelope =
  /** Hand to Bolt: a listener of ours acks it. */
  | { kind: "bolt"; what: string }
  /** A well-formed Slack request nothing here listens for: acknowledged, so Slack does not retry it. */
  | { kind: "ignored"; what: string }
  /** A slash command that is not ours: answered at once. */
  | { kind: "foreign-command"; command: string }
  /** Not something Slack sends: 400, with the reason in the log. */
  | { kind: "malformed"; reason: string };

const FORM = "application/x-www-form-urlencoded";

const userId = z.string().refine(isUserId, "not a Slack user id");
const channelId = z.string().refine(isChannelId, "not a Slack channel id");
// Slack's trigger ids are about 50 characters; a longer one is not Slack's (and would make a long dedupe key).
const nonEmpty = z.string().min(1).max(255);

const slashCommand = z.object({
  command: z.string().regex(/^\/[^\s]{1,32}$/, "not a slash command name"),
  text: z.string().optional(),
  user_id: userId,
  channel_id: channelId,
  team_id: z.string().max(64).optional(),
  trigger_id: nonEmpty,
  response_url: z.url({ protocol: /^https?$/ }),
});

const identified = z
  .object({ id: z.string().max(64) })
  .nullable()
  .optional();

const blockActions = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: userId, team_id: z.string().max(64).optional() }),
  channel: z.object({ id: channelId }),
  team: identified,
  enterprise: identified,
  trigger_id: nonEmpty.optional(),
  response_url: z.url({ protocol: /^https?$/ }),
  actions: z
    .array(
      z.object({
        type: z.string().max(64),
        action_id: z.string().max(255),
        action_ts: z.string().max(64),
        value: z.string().max(2_000).optional(),
      }),
    )
    .min(1)
    .max(25),
});

// Interactive and event types Slack sends that hikkoshi registers no listener for.
const IGNORED_TYPES = new Set([
  "event_callback",
  "app_rate_limited",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "block_suggestion",
  "interactive_message",
  "dialog_submission",
  "dialog_cancellation",
  "workflow_step_edit",
]);

function firstIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return "invalid";
  return `${issue.path.join(".") || "body"}: ${issue.message}`.slice(0, 200);
}

function decode(contentType: string | undefined, raw: string): { ok: true; body: unknown } | { ok: false } {
  try {
    if (contentType === FORM) {
      const form = parseQuery(raw);
      return { ok: true, body: typeof form.payload === "string" ? JSON.parse(form.payload) : form };
    }
    return { ok: true, body: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** Pure: the content type and bytes of a request whose signature was verified, and what to do with it. */
export function classifyEnvelope(
  contentType: string | undefined,
  raw: string,
  ours: { commands: readonly string[]; actionIds: readonly string[] },
): Envelope {
  const decoded = decode(contentType, raw);
  if (!decoded.ok) return { kind: "malformed", reason: "body is neither a form nor JSON" };
  const body = decoded.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { kind: "malformed", reason: `payload is ${body === null ? "null" : typeof body}, not an object` };
  }
  const o = body as Record<string, unknown>;
  if (o.ssl_check === "1") return { kind: "bolt", what: "ssl_check" };
  if (o.event !== undefined) {
    return o.type === "event_callback"
      ? { kind: "ignored", what: "event_callback" }
      : { kind: "malformed", reason: "an event outside an event_callback" };
  }
  if (o.type === "url_verification") {
    return typeof o.challenge === "string" && o.challenge.length <= 200
      ? { kind: "bolt", what: "url_verification" }
      : { kind: "malformed", reason: "url_verification without a challenge" };
  }
  if (o.command !== undefined) {
    const cmd = slashCommand.safeParse(o);
    if (!cmd.success) return { kind: "malformed", reason: `slash command: ${firstIssue(cmd.error)}` };
    return ours.commands.includes(cmd.data.command)
      ? { kind: "bolt", what: cmd.data.command }
      : { kind: "foreign-command", command: cmd.data.command };
  }
  if (o.type === "block_actions") {
    // Bolt routes on `name` before `actions` (options requests).
    if (o.name !== undefined) return { kind: "malformed", reason: "block_actions with a name field" };
    const click = blockActions.safeParse(o);
    if (!click.success) return { kind: "malformed", reason: `block_actions: ${firstIssue(click.error)}` };
    return click.data.actions.some((a) => ours.actionIds.includes(a.action_id))
      ? { kind: "bolt", what: "block_actions" }
      : { kind: "ignored", what: "block_actions for another app's buttons" };
  }
  if (typeof o.type === "string" && IGNORED_TYPES.has(o.type)) {
    return { kind: "ignored", what: o.type.slice(0, 40) };
  }
  return { kind: "malformed", reason: "neither a slash command nor an interaction hikkoshi knows" };
}
