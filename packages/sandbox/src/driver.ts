// Drives hikkoshi the way Slack does (signed slash commands and button clicks), and reads what Slack
// would show. Used by the sandbox walkthrough and the end-to-end tests.
import { renderBlocksText, renderConversation } from "@hikkoshi/test-hosts/slack/console";
import { buttonsOf, type SlackResponse } from "@hikkoshi/test-hosts/slack/slackClient";
import type { StoredMessage } from "@hikkoshi/test-hosts/slack/store";
import { SANDBOX_CHANNEL, SANDBOX_USERS, type SandboxWorld } from "./world.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export type Button = ReturnType<typeof buttonsOf>[number];
const NAMES = {
  users: { [SANDBOX_USERS.alice]: "alice", [SANDBOX_USERS.bob]: "bob", [SANDBOX_USERS.mallory]: "mallory" },
};

export class SlackDriver {
  constructor(private readonly world: SandboxWorld) {}

  /** Sends `/migrate <text>` and returns what the person sees in reply (the ack body or ephemeral). */
  async command(user: string, text: string): Promise<string> {
    const before = this.world.slack.ephemerals.length;
    const res = await this.world.client.slashCommand({
      userId: user,
      text,
      channelId: SANDBOX_CHANNEL,
      command: "/migrate",
    });
    if (res.status !== 200) return `HTTP ${res.status} ${res.body}`;
    const ack = res.json as { text?: string; blocks?: unknown[] } | undefined;
    // Replies to slow commands (plan runs preflight) come through response_url after the ack.
    for (let i = 0; i < 600 && this.world.slack.ephemerals.length === before && !ack?.text; i++)
      await sleep(50);
    const later = this.world.slack.ephemerals
      .slice(before)
      .map((e) => renderBlocksText(e.blocks, e.text, NAMES));
    const first = ack?.text ? renderBlocksText(ack.blocks ?? [], ack.text, NAMES) : undefined;
    return [first, ...later].filter(Boolean).join("\n");
  }

  /** Waits until the migration reaches one of `statuses` (read from Redis, the source of truth). */
  async waitForStatus(statuses: string[], timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [view] = await this.world.app.engine.commands.active("production");
      const id = view?.migration.id ?? (await this.world.app.engine.commands.history("production", 1))[0]?.id;
      const m = id ? await this.world.app.engine.store.get(id) : undefined;
      if (m && statuses.includes(m.status)) return m.status;
      if (Date.now() > deadline)
        throw new Error(`migration never reached ${statuses.join("|")}:\n${this.console()}`);
      await sleep(100);
    }
  }

  /** The live message of the newest migration in the channel. */
  liveMessage(): StoredMessage | undefined {
    const top = this.world.slack.channelMessages(SANDBOX_CHANNEL).filter((m) => !m.threadTs);
    return top[top.length - 1];
  }

  async waitForButton(label: RegExp, timeoutMs = 60_000): Promise<Button> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.liveMessage();
      const b = m ? buttonsOf(m.blocks).find((x) => label.test(x.text)) : undefined;
      if (b) return b;
      if (Date.now() > deadline)
        throw new Error(`no "${label.source}" button within ${timeoutMs} ms:\n${this.console()}`);
      await sleep(100);
    }
  }

  async waitForText(pattern: RegExp, timeoutMs = 60_000): Promise<StoredMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.liveMessage();
      if (m && pattern.test(m.text + JSON.stringify(m.blocks))) return m;
      if (Date.now() > deadline) throw new Error(`live message never matched ${pattern}:\n${this.console()}`);
      await sleep(100);
    }
  }

  /** Sends a click on a button of the live message as `user`, signed as Slack signs it. */
  async sendClick(user: string, button: Button): Promise<SlackResponse> {
    const m = this.liveMessage();
    if (!m) throw new Error("no live message to click on");
    return this.world.client.clickOn(m, button, user);
  }

  /** Clicks as `user`; returns the ephemeral reply if one comes within a second (an accepted click has none). */
  async click(user: string, button: Button): Promise<string> {
    const before = this.world.slack.ephemerals.length;
    const res = await this.sendClick(user, button);
    if (res.status !== 200) return `HTTP ${res.status}`;
    for (let i = 0; i < 20 && this.world.slack.ephemerals.length === before; i++) await sleep(50);
    return this.world.slack.ephemerals
      .slice(before)
      .map((e) => renderBlocksText(e.blocks, e.text, NAMES))
      .join("\n");
  }

  /** The live message and its thread as plain text, as the Slack console shows it. */
  console(): string {
    const m = this.liveMessage();
    return m ? renderConversation(this.world.slack, m.channel, m.ts, NAMES) : "(no message yet)";
  }
}
