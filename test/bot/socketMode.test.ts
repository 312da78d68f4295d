// Socket Mode: the same listeners over Slack's WebSocket envelope protocol (the test host's Socket Mode
// server), acks within the envelope, and loud logs when the connection drops and comes back.

import { renderMessageText } from "@hikkoshi/test-hosts/slack/console";
import { describe, expect, it } from "vitest";
import type { Logger } from "../../src/bot/log.js";
import { waitForGate } from "../support/engineHarness.js";
import { waitFor } from "../support/waitFor.js";
import { ALICE, ephemeralFor, messageShows, PAT, useBotWorld } from "./harness.js";

const APP_TOKEN = "xapp-1-A0HIKKOSHI-1234567890-0123456789abcdef";
const logs: Array<{ level: string; msg: string }> = [];
const logger: Logger = {
  debug: () => {},
  info: (_o, msg) => logs.push({ level: "info", msg: msg ?? "" }),
  warn: (_o, msg) => logs.push({ level: "warn", msg: msg ?? "" }),
  error: (_o, msg) => logs.push({ level: "error", msg: msg ?? "" }),
};

const w = useBotWorld(
  { appToken: APP_TOKEN, logger },
  {
    beforeStart: () => {
      logs.length = 0;
    },
  },
);

describe("Socket Mode", () => {
  it("answers commands and clicks through envelopes, acking each one", async () => {
    expect(w.host.socketMode.connections).toBe(1);
    const bad = await w.host.socketMode.send(
      "slash_commands",
      w.client.slashCommandPayload({ userId: ALICE, text: "start prodution" }),
    );
    const reply = bad.payload as { text: string; blocks: unknown[] };
    expect(renderMessageText(reply)).toContain('did you mean "production"?');

    const start = await w.host.socketMode.send(
      "slash_commands",
      w.client.slashCommandPayload({ userId: ALICE, text: "start production" }),
    );
    expect(start.ackMs).toBeLessThan(3000);
    const text = await ephemeralFor(w, ALICE, /Started/);
    const id = /Started (production-\d{8}-\d+)/.exec(text)![1]!;
    await waitForGate(w.engine, id, "gate-cutover");
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    const button = (
      msg.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
    )
      .find((b) => b.type === "actions")!
      .elements!.find((e) => e.action_id === "hikkoshi.approve")!;
    await w.host.socketMode.send(
      "interactive",
      w.client.blockActionsPayload({
        userId: PAT,
        actionId: button.action_id,
        value: button.value,
        channelId: msg.channel,
        messageTs: msg.ts,
      }),
    );
    await waitForGate(w.engine, id, "gate-decommission");
  });

  it("logs a dropped connection loudly and reconnects", async () => {
    expect(logs.some((l) => l.msg === "socket mode connected")).toBe(true);
    w.host.socketMode.drop();
    await waitFor(
      () => w.host.socketMode.connections === 1 && w.host.socketMode.opened === 2,
      "a new socket mode connection",
      20_000,
    );
    expect(
      logs.filter((l) => l.level === "warn" && l.msg.includes("reconnecting")).length,
    ).toBeGreaterThanOrEqual(1);
    const res = await w.host.socketMode.send(
      "slash_commands",
      w.client.slashCommandPayload({ userId: ALICE, text: "help" }),
    );
    expect(renderMessageText(res.payload as { text: string; blocks: unknown[] })).toContain("/migrate start");
  });
});
