// The subset of Block Kit hikkoshi renders, and Slack's limits for it. Kept narrow on purpose: every
// block type here is one the phone app renders well.

export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
  verbatim?: boolean;
}

export interface ConfirmDialog {
  title: PlainText;
  text: Mrkdwn | PlainText;
  confirm: PlainText;
  deny: PlainText;
  style?: "primary" | "danger";
}

export interface ButtonElement {
  type: "button";
  action_id: string;
  text: PlainText;
  value?: string;
  style?: "primary" | "danger";
  confirm?: ConfirmDialog;
}

export type Block =
  | { type: "section"; block_id?: string; text: Mrkdwn | PlainText }
  | { type: "context"; block_id?: string; elements: Array<Mrkdwn | PlainText> }
  | { type: "actions"; block_id?: string; elements: ButtonElement[] }
  | { type: "divider"; block_id?: string }
  | { type: "header"; block_id?: string; text: PlainText };

export interface RenderedMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: Block[];
}

/** Slack's documented limits (messages), plus our own compactness budget. */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  headerText: 150,
  messageText: 40_000,
  /** Slack has rejected live messages of about 13k characters of blocks JSON; stay well under. */
  blocksJson: 12_000,
} as const;

export function mrkdwn(text: string): Mrkdwn {
  return { type: "mrkdwn", text };
}

export function plain(text: string): PlainText {
  return { type: "plain_text", text, emoji: true };
}

export function section(text: string, blockId?: string): Block {
  return { type: "section", ...(blockId ? { block_id: blockId } : {}), text: mrkdwn(text) };
}

export function context(texts: string[], blockId?: string): Block {
  return { type: "context", ...(blockId ? { block_id: blockId } : {}), elements: texts.map(mrkdwn) };
}

/** Split lines into section texts of at most `max` characters each, on line boundaries. */
export function chunkLines(lines: readonly string[], max: number = LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let cur = "";
  for (const raw of lines) {
    const line = raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
    if (cur.length === 0) cur = line;
    else if (cur.length + 1 + line.length <= max) cur += `\n${line}`;
    else {
      chunks.push(cur);
      cur = line;
    }
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/**
 * A smaller form of a message Slack refused (`msg_too_long`, `invalid_blocks`, `msg_blocks_too_long`),
 * so the next attempt differs from the refused one. Level 1 keeps the structure with shorter texts and
 * no context lines; level 2 keeps only the fallback text and the buttons.
 */
export function shrinkForSlack(m: RenderedMessage, level: number): RenderedMessage {
  const text = m.text.length > 3000 ? `${m.text.slice(0, 2999)}…` : m.text;
  const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  if (level <= 1) {
    const kept = m.blocks.filter((b) => b.type !== "context").slice(0, 20);
    // Section texts share a budget well under Slack's ~13k characters of blocks JSON.
    const sections = kept.filter((b) => b.type === "section").length;
    const each = Math.max(200, Math.min(1500, Math.floor(9000 / Math.max(1, sections))));
    const blocks = kept.map(
      (b): Block => (b.type === "section" ? { ...b, text: { ...b.text, text: cut(b.text.text, each) } } : b),
    );
    return { text, blocks };
  }
  const actions = m.blocks.filter((b) => b.type === "actions").slice(0, 2);
  return { text, blocks: [section(cut(text, 2000)), ...actions] };
}
