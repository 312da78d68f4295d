// Button clicks end to end: signed block_actions payloads for the buttons in the live message as the
// Slack test host stores it, into the real Bolt receiver and the real engine.

import { describe, expect, it } from "vitest";
import { ACTION_APPROVE, encodeButtonValue } from "../../src/bot/actions/value.js";
import { waitForGate, waitForStatus } from "../support/engineHarness.js";
import { waitFor } from "../support/waitFor.js";
import { startMigration, useBotWorld } from "./harness.js";
import { buttonLabels, ephemeralFor, ephemeralsFor, messageShows } from "./messages.js";
import { ALICE, BOB, MALLORY, OLLY, PAT } from "./workspace.js";

const w = useBotWorld();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function atCutover(starter = ALICE) {
  const id = await startMigration(w, starter);
  await waitForGate(w.engine, id, "gate-cutover");
  const msg = await messageShows(w, id, /\[ Approve cutover/);
  return { id, msg };
}

describe("Approve button", () => {
  it("approves the gate for an authorised person, and the message moves on", async () => {
    const { id, msg } = await atCutover();
    const res = await w.client.clickButton(msg, "Approve cutover", PAT);
    expect(res.status).toBe(200);
    await waitForGate(w.engine, id, "gate-decommission");
    const next = await messageShows(w, id, /\[ Approve decommission/);
    expect(buttonLabels(next)).toEqual(["Approve decommission", "Roll back"]);
    expect((await w.engine.store.get(id))!.approvals.map((a) => a.by)).toEqual([PAT]);
    expect(ephemeralsFor(w, PAT)).toEqual([]);
  });

  it("a double tap gives one approval; the second tap is told it already happened", async () => {
    const { id, msg } = await atCutover();
    const [a, b] = await Promise.all([
      w.client.clickButton(msg, "Approve cutover", PAT),
      w.client.clickButton(msg, "Approve cutover", PAT),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await waitForGate(w.engine, id, "gate-decommission");
    const refusal = await ephemeralFor(w, PAT, /already|older view|cannot be approved/);
    expect(refusal).toMatch(/Now: production-\d{8}-1 is/);
    expect((await w.engine.store.get(id))!.approvals).toHaveLength(1);
    expect(ephemeralsFor(w, PAT)).toHaveLength(1);
  });

  it("a Slack redelivery (X-Slack-Retry-Num) has one effect and no second reply", async () => {
    const { id, msg } = await atCutover();
    const first = await w.client.clickButton(msg, "Approve cutover", MALLORY);
    const retry = await w.client.send(first.request, {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await ephemeralFor(w, MALLORY, /not allowed/);
    await sleep(500);
    expect(ephemeralsFor(w, MALLORY)).toHaveLength(1);
    const denied = (await w.engine.commands.auditSince(id, "0", 500)).filter((e) => e.outcome === "denied");
    expect(denied).toHaveLength(1);

    const ok = await w.client.clickButton(msg, "Approve cutover", PAT, { retryNum: 0 });
    await w.client.send(ok.request, { "x-slack-retry-num": "1" });
    await w.client.send(ok.request, { "x-slack-retry-num": "2" });
    await waitForGate(w.engine, id, "gate-decommission");
    await sleep(300);
    expect((await w.engine.store.get(id))!.approvals).toHaveLength(1);
    expect(ephemeralsFor(w, PAT)).toEqual([]);
  });

  it("an unauthorised click is explained privately, changes nothing, and is audited", async () => {
    const { id, msg } = await atCutover();
    const before = (await w.engine.store.get(id))!;
    await w.client.clickButton(msg, "Approve cutover", MALLORY);
    const text = await ephemeralFor(w, MALLORY, /not allowed/);
    expect(text).toContain("you are not allowed to approve gates in production");
    expect(text).toContain("@S0PLATFORM");
    const after = (await w.engine.store.get(id))!;
    expect([after.version, after.status, after.approvals]).toEqual([before.version, "awaiting-approval", []]);
    const audit = await w.engine.commands.auditSince(id, "0", 500);
    expect(audit.filter((e) => e.outcome === "denied")).toEqual([
      expect.objectContaining({
        actor: MALLORY,
        action: "approve",
        detail: expect.stringContaining("not allowed"),
      }),
    ]);
    // The denial shows in the live message's thread too.
    await waitFor(
      () => w.host.replies(msg.channel, msg.ts).some((r) => r.text.includes("@mallory *approve*")),
      "denial in thread",
    );
  });

  it("four-eyes: the starter cannot approve their own cutover", async () => {
    const { id, msg } = await atCutover(BOB);
    await w.client.clickButton(msg, "Approve cutover", BOB);
    expect(await ephemeralFor(w, BOB, /four-eyes/)).toContain("someone else must approve the cutover");
    expect((await w.engine.store.get(id))!.status).toBe("awaiting-approval");
    expect(
      (await w.engine.commands.auditSince(id, "0", 500))
        .filter((e) => e.outcome === "denied")
        .map((e) => e.actor),
    ).toEqual([BOB]);
    await w.client.slashCommand({ userId: BOB, text: "approve production" });
    await waitFor(
      () => ephemeralsFor(w, BOB).filter((t) => t.includes("four-eyes")).length === 2,
      "a second four-eyes refusal",
    );
    await w.client.clickButton(msg, "Approve cutover", PAT);
    await waitForGate(w.engine, id, "gate-decommission");
  });

  it("a button from an old state is refused with what the state is now", async () => {
    const { id, msg: cutoverMsg } = await atCutover();
    await w.client.clickButton(cutoverMsg, "Approve cutover", PAT);
    await waitForGate(w.engine, id, "gate-decommission");
    await w.client.clickButton(cutoverMsg, "Approve cutover", BOB);
    const text = await ephemeralFor(w, BOB, /already approved/);
    expect(text).toMatch(/Now: production-\d{8}-1 is ✋ waiting for approval at "Approve decommission"/);
    // A forged value with an old version at the current gate: stale.
    const current = (await w.engine.store.get(id))!;
    await w.client.click({
      userId: BOB,
      actionId: ACTION_APPROVE,
      value: encodeButtonValue({
        migrationId: id,
        stepId: "gate-decommission",
        version: current.version - 1,
      }),
      channelId: cutoverMsg.channel,
      messageTs: cutoverMsg.ts,
    });
    expect(await ephemeralFor(w, BOB, /older view/)).toContain(`now ${current.version}`);
    expect((await w.engine.store.get(id))!.version).toBe(current.version);
  });
});

describe("Rollback button", () => {
  it("two presses on two devices roll back once; the message shows the rollback and loses its buttons", async () => {
    const { id, msg } = await atCutover();
    expect(buttonLabels(msg)).toContain("Roll back");
    const [a, b] = await Promise.all([
      w.client.clickButton(msg, "Roll back", OLLY),
      w.client.clickButton(msg, "Roll back", PAT),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await waitForStatus(w.engine, id, "rolled-back");
    const m = (await w.engine.store.get(id))!;
    expect(m.rollback?.attempt).toBe(1);
    const requested = (await w.engine.commands.auditSince(id, "0", 500)).filter(
      (e) => e.action === "rollback" && e.outcome === "ok",
    );
    expect(requested).toHaveLength(1);
    const done = await messageShows(w, id, /rolled back/);
    expect(buttonLabels(done)).toEqual([]);
    await waitFor(
      () => ephemeralsFor(w, OLLY).length + ephemeralsFor(w, PAT).length === 1,
      "one 'already' answer",
    );
    expect([...ephemeralsFor(w, OLLY), ...ephemeralsFor(w, PAT)][0]).toMatch(
      /already|rolling back|rolled back/i,
    );
  });

  it("is refused for people who may not roll back", async () => {
    const { id, msg } = await atCutover();
    await w.client.clickButton(msg, "Roll back", MALLORY);
    expect(await ephemeralFor(w, MALLORY, /not allowed/)).toContain(
      "you are not allowed to roll back in production",
    );
    expect((await w.engine.store.get(id))!.status).toBe("awaiting-approval");
  });
});
