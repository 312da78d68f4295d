// What the console shows of the Slack workspace: the channel's messages with their threads, and the
// ephemeral replies (each addressed to one person), exactly as the bot sent them to the Slack host.
import type { SlackTestHost } from "@hikkoshi/test-hosts/slack/host";
import { SANDBOX_CHANNEL, SANDBOX_USERS } from "../world.js";

export interface ConsoleUser {
  key: keyof typeof SANDBOX_USERS;
  id: string;
  name: string;
  role: string;
}

export const CONSOLE_USERS: ConsoleUser[] = [
  { key: "alice", id: SANDBOX_USERS.alice, name: "alice", role: "starter (platform team)" },
  { key: "bob", id: SANDBOX_USERS.bob, name: "bob", role: "approver (platform team)" },
  { key: "carol", id: SANDBOX_USERS.carol, name: "carol", role: "on call (may roll back)" },
  { key: "mallory", id: SANDBOX_USERS.mallory, name: "mallory", role: "outsider" },
];

export interface FeedMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  edited: boolean;
  replies: Array<{ ts: string; text: string; blocks: unknown[] }>;
}

export interface FeedEphemeral {
  seq: number;
  /** The Slack user id it is addressed to. */
  user: string;
  at: number;
  text: string;
  blocks: unknown[];
  /** The command that prompted it, when it is the reply to one. */
  command?: string;
}

export interface ChannelFeed {
  channel: string;
  users: ConsoleUser[];
  names: { users: Record<string, string>; groups: Record<string, string> };
  messages: FeedMessage[];
  ephemerals: FeedEphemeral[];
}

/** Replies the console itself received: the HTTP body of a slash command's ack. */
export interface AckReply {
  user: string;
  at: number;
  text: string;
  blocks: unknown[];
  command: string;
}

export function channelFeed(slack: SlackTestHost, acks: readonly AckReply[]): ChannelFeed {
  const messages = slack.channelMessages(SANDBOX_CHANNEL).map((m) => ({
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    edited: m.updates > 0,
    replies: slack.replies(SANDBOX_CHANNEL, m.ts).map((r) => ({ ts: r.ts, text: r.text, blocks: r.blocks })),
  }));
  const fromHost = slack.ephemerals
    .filter((e) => e.user !== undefined && (e.channel === undefined || e.channel === SANDBOX_CHANNEL))
    .map((e) => ({ user: e.user!, at: e.at, text: e.text, blocks: e.blocks }));
  const ephemerals = [...fromHost, ...acks].sort((a, b) => a.at - b.at).map((e, i) => ({ seq: i, ...e }));
  return {
    channel: SANDBOX_CHANNEL,
    users: CONSOLE_USERS,
    names: {
      users: Object.fromEntries(CONSOLE_USERS.map((u) => [u.id, u.name])),
      groups: { S0PLATFORM: "platform" },
    },
    messages,
    ephemerals,
  };
}
