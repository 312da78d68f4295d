// What the Slack test host remembers: messages (with their edit history and threads), ephemeral
// messages, every Web API call, and response_url deliveries. Tests read the current state from here.

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  user: string;
  botId: string;
  threadTs?: string;
  /** How many times chat.update changed it. */
  updates: number;
  /** Every version, oldest first (the first is the post). */
  versions: Array<{ at: number; text: string; blocks: unknown[] }>;
}

export interface EphemeralMessage {
  via: "chat.postEphemeral" | "response_url";
  at: number;
  channel?: string;
  user?: string;
  text: string;
  blocks: unknown[];
  responseType?: string;
  replaceOriginal?: boolean;
}

export interface RecordedCall {
  seq: number;
  at: number;
  method: string;
  /** Arguments as sent, without the token. */
  args: Record<string, unknown>;
  status: number;
  ok: boolean;
  error?: string;
}

export class SlackStore {
  readonly messages = new Map<string, StoredMessage>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly calls: RecordedCall[] = [];
  private tsCounter = 0;

  key(channel: string, ts: string): string {
    return `${channel}/${ts}`;
  }

  /** Slack-shaped, strictly increasing message timestamps (`1700000000.000123`). */
  nextTs(now: number): string {
    this.tsCounter += 1;
    return `${Math.floor(now / 1000)}.${String(this.tsCounter).padStart(6, "0")}`;
  }

  get(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(this.key(channel, ts));
  }

  /** Top-level messages of a channel, oldest first. */
  channelMessages(channel: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.threadTs === undefined);
  }

  /** Replies in a thread, oldest first. */
  replies(channel: string, ts: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.threadTs === ts);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.messages.clear();
    this.ephemerals.length = 0;
    this.calls.length = 0;
  }
}
