// Block Kit validation as the Slack Web API does it for messages: documented limits, reported the way
// Slack reports them (`invalid_blocks` with `errors` and `[ERROR] ... [json-pointer:/blocks/0/text]`).
// Independent of src/bot on purpose, so it catches the renderer's mistakes instead of sharing them.

export const BLOCK_LIMITS = {
  blocks: 50,
  blockId: 255,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  headerText: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type Json = unknown;

function isObj(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Collector {
  readonly errors: string[] = [];
  add(message: string, pointer: string): undefined {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
    return undefined;
  }
}

function textObject(c: Collector, v: Json, p: string, max: number, plainOnly = false): undefined {
  if (!isObj(v)) return c.add("must be an object", p);
  if (v.type !== "plain_text" && (plainOnly || v.type !== "mrkdwn")) {
    return c.add(
      plainOnly ? "must be a plain_text object" : "must be a text object (plain_text or mrkdwn)",
      `${p}/type`,
    );
  }
  if (typeof v.text !== "string") return c.add("must be a string", `${p}/text`);
  if (v.text.length === 0) c.add("must be more than 0 characters", `${p}/text`);
  if (v.text.length > max) c.add(`must be less than ${max + 1} characters`, `${p}/text`);
}

function confirmObject(c: Collector, v: Json, p: string): undefined {
  if (!isObj(v)) return c.add("must be an object", p);
  textObject(c, v.title, `${p}/title`, BLOCK_LIMITS.confirmTitle, true);
  textObject(c, v.text, `${p}/text`, BLOCK_LIMITS.confirmText);
  textObject(c, v.confirm, `${p}/confirm`, BLOCK_LIMITS.confirmButton, true);
  textObject(c, v.deny, `${p}/deny`, BLOCK_LIMITS.confirmButton, true);
  if (v.style !== undefined && v.style !== "primary" && v.style !== "danger")
    c.add("must be primary or danger", `${p}/style`);
}

function element(c: Collector, v: Json, p: string, actionIds: Set<string>): undefined {
  if (!isObj(v)) return c.add("must be an object", p);
  if (v.action_id !== undefined) {
    if (typeof v.action_id !== "string" || v.action_id.length === 0)
      c.add("must be a non-empty string", `${p}/action_id`);
    else {
      if (v.action_id.length > BLOCK_LIMITS.actionId)
        c.add(`must be less than ${BLOCK_LIMITS.actionId + 1} characters`, `${p}/action_id`);
      if (actionIds.has(v.action_id)) c.add("action_id already exists in this block", `${p}/action_id`);
      actionIds.add(v.action_id);
    }
  }
  if (v.type !== "button") {
    if (typeof v.type !== "string") c.add("must provide a type", `${p}/type`);
    return; // other interactive elements: accepted unchecked (hikkoshi renders only buttons)
  }
  textObject(c, v.text, `${p}/text`, BLOCK_LIMITS.buttonText, true);
  if (v.value !== undefined) {
    if (typeof v.value !== "string") c.add("must be a string", `${p}/value`);
    else if (v.value.length > BLOCK_LIMITS.buttonValue)
      c.add(`must be less than ${BLOCK_LIMITS.buttonValue + 1} characters`, `${p}/value`);
  }
  if (typeof v.url === "string" && v.url.length > BLOCK_LIMITS.buttonUrl) {
    c.add(`must be less than ${BLOCK_LIMITS.buttonUrl + 1} characters`, `${p}/url`);
  }
  if (v.style !== undefined && v.style !== "primary" && v.style !== "danger")
    c.add("must be primary or danger", `${p}/style`);
  if (v.confirm !== undefined) confirmObject(c, v.confirm, `${p}/confirm`);
}

function block(c: Collector, b: Json, p: string, blockIds: Set<string>): undefined {
  if (!isObj(b)) return c.add("must be an object", p);
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== "string" || b.block_id.length === 0)
      c.add("must be a non-empty string", `${p}/block_id`);
    else {
      if (b.block_id.length > BLOCK_LIMITS.blockId)
        c.add(`must be less than ${BLOCK_LIMITS.blockId + 1} characters`, `${p}/block_id`);
      if (blockIds.has(b.block_id)) c.add("block_id already exists", `${p}/block_id`);
      blockIds.add(b.block_id);
    }
  }
  switch (b.type) {
    case "section": {
      if (b.text === undefined && b.fields === undefined) return c.add("must provide text or fields", p);
      if (b.text !== undefined) textObject(c, b.text, `${p}/text`, BLOCK_LIMITS.sectionText);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields)) return c.add("must be an array", `${p}/fields`);
        if (b.fields.length > BLOCK_LIMITS.sectionFields)
          c.add(`must be less than ${BLOCK_LIMITS.sectionFields + 1} items`, `${p}/fields`);
        b.fields.forEach((f, i) => {
          textObject(c, f, `${p}/fields/${i}`, BLOCK_LIMITS.fieldText);
        });
      }
      if (b.accessory !== undefined) element(c, b.accessory, `${p}/accessory`, new Set());
      return;
    }
    case "context": {
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        return c.add("must provide at least 1 element", `${p}/elements`);
      if (b.elements.length > BLOCK_LIMITS.contextElements)
        c.add(`must be less than ${BLOCK_LIMITS.contextElements + 1} items`, `${p}/elements`);
      b.elements.forEach((e, i) => {
        if (isObj(e) && e.type === "image") return;
        textObject(c, e, `${p}/elements/${i}`, BLOCK_LIMITS.sectionText);
      });
      return;
    }
    case "actions": {
      if (!Array.isArray(b.elements) || b.elements.length === 0)
        return c.add("must provide at least 1 element", `${p}/elements`);
      if (b.elements.length > BLOCK_LIMITS.actionsElements)
        c.add(`must be less than ${BLOCK_LIMITS.actionsElements + 1} items`, `${p}/elements`);
      const ids = new Set<string>();
      b.elements.forEach((e, i) => {
        element(c, e, `${p}/elements/${i}`, ids);
      });
      return;
    }
    case "header":
      textObject(c, b.text, `${p}/text`, BLOCK_LIMITS.headerText, true);
      return;
    case "divider":
      return;
    case "image":
    case "rich_text":
    case "markdown":
      return; // accepted unchecked
    default:
      c.add(`unsupported type: ${String(b.type)}`, `${p}/type`);
  }
}

/** Errors as Slack words them (empty when valid). `maxJson` is this host's compactness limit. */
export function validateBlocks(blocks: Json, maxJson: number): string[] {
  const c = new Collector();
  if (!Array.isArray(blocks)) {
    c.add("must be an array", "/blocks");
    return c.errors;
  }
  if (blocks.length > BLOCK_LIMITS.blocks)
    c.add(`must be less than ${BLOCK_LIMITS.blocks + 1} items`, "/blocks");
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    block(c, b, `/blocks/${i}`, ids);
  });
  const size = JSON.stringify(blocks).length;
  if (size > maxJson) c.add(`blocks are too long (${size} characters; limit ${maxJson})`, "/blocks");
  return c.errors;
}
