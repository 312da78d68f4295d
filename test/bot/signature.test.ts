// The receiver's front door: Slack's signing scheme and its 5-minute replay window. A refused request
// gets 401 and changes nothing: no engine call, no reply, no Slack call.

import { describe, expect, it } from "vitest";
import { ACTION_ROLLBACK, encodeButtonValue } from "../../src/bot/actions/value.js";
import { waitForGate } from "../support/engineHarness.js";
import { ALICE, CHANNEL, OLLY, startMigration, useBotWorld } from "./harness.js";

const w = useBotWorld();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("request verification", () => {
  it("refuses an old timestamp (replay), a bad signature and missing headers with 401", async () => {
    const callsBefore = w.host.calls.length;
    const stale = await w.client.slashCommand(
      { userId: ALICE, text: "start production" },
      { ageSeconds: 301 },
    );
    const forged = await w.client.slashCommand(
      { userId: ALICE, text: "start production" },
      { badSignature: true },
    );
    const future = await w.client.slashCommand(
      { userId: ALICE, text: "start production" },
      { ageSeconds: -400 },
    );
    const bare = await fetch(w.client.requestUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: w.client.slashCommandBody({ userId: ALICE, text: "start production" }),
    });
    expect([stale.status, forged.status, future.status, bare.status]).toEqual([401, 401, 401, 401]);
    await sleep(300);
    expect(await w.engine.commands.active()).toEqual([]);
    expect(w.host.ephemerals).toEqual([]);
    expect(w.host.calls.length).toBe(callsBefore);
  });

  it("a replayed rollback click outside the window changes nothing", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    const before = (await w.engine.store.get(id))!;
    const res = await w.client.click(
      {
        userId: OLLY,
        actionId: ACTION_ROLLBACK,
        value: encodeButtonValue({ migrationId: id, version: before.version }),
        channelId: CHANNEL,
        messageTs: before.slack?.ts ?? "1.1",
      },
      { ageSeconds: 60 * 60 },
    );
    expect(res.status).toBe(401);
    await sleep(300);
    const after = (await w.engine.store.get(id))!;
    expect([after.status, after.version]).toEqual(["awaiting-approval", before.version]);
    expect(w.host.ephemerals.filter((e) => e.user === OLLY)).toEqual([]);
  });

  it("accepts a correctly signed request just inside the window", async () => {
    const res = await w.client.slashCommand({ userId: ALICE, text: "help" }, { ageSeconds: 290 });
    expect(res.status).toBe(200);
  });
});
