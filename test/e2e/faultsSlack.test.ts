// Faults on the Slack side: an unauthorised approver, a doubled click, a redelivered click, and Slack's
// rate limits on the live message. Each run completes with one approval per gate and the live message
// showing the final state.

import { describe, expect, it } from "vitest";
import {
  audit,
  newestMigration,
  stepState,
  waitForMigration,
  waitForStatus,
  waitForStep,
} from "./support/flow.js";
import { approveCutover } from "./support/rollback.js";
import { approveToTheEnd, expectCompletedRun, withWorld } from "./support/scenario.js";
import {
  alice,
  bob,
  click,
  clickExpectingReply,
  commandReply,
  mallory,
  startMigration,
  waitForButton,
  waitForLiveMessage,
} from "./support/slack.js";
import { waitUntil } from "./support/wait.js";

describe("Slack-side faults", () => {
  it("a doubled start starts one migration; an unauthorised approver is refused and audited; a doubled click approves once", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      // alice sends /migrate start twice at once: one migration, the other is told one is running.
      const replies = await Promise.all([
        commandReply(e, alice, "start production"),
        commandReply(e, alice, "start production"),
      ]);
      expect(
        replies.filter((r) => /Started/.test(r)),
        replies.join("\n"),
      ).toHaveLength(1);
      expect(replies.find((r) => !/Started/.test(r))).toMatch(/already has a migration in progress/);
      const started = await waitForMigration(e, () => true, "the migration record");
      expect(await e.world.app.engine.commands.history("production", 10)).toHaveLength(1);
      const approve = await waitForButton(e, /approve cutover/i);
      const atGate = await newestMigration(e);
      expect(atGate && stepState(atGate, "gate-cutover")).toBe("awaiting-approval");

      // mallory is in no permission group: an ephemeral refusal naming the fix, for the button and the command.
      const refusal = await clickExpectingReply(e, mallory, approve, /not allowed/i);
      expect(refusal.text).toMatch(/permissions\.approve/);
      expect(await e.slack.command(mallory, "rollback production")).toMatch(/not allowed/i);
      const unchanged = await newestMigration(e);
      expect(unchanged?.version).toBe(atGate?.version);
      expect(unchanged?.status).toBe("awaiting-approval");
      expect(unchanged?.approvals).toEqual([]);
      const denied = (await audit(e, started.id)).filter((x) => x.actor === mallory);
      expect(denied.map((x) => [x.action, x.outcome])).toEqual([
        ["approve", "denied"],
        ["rollback", "denied"],
      ]);

      // bob presses Approve twice at once (two clicks, two trigger ids).
      const ephemeralsBefore = e.world.slack.ephemerals.length;
      await Promise.all([click(e, bob, approve), click(e, bob, approve)]);
      await waitForStep(e, "gate-cutover", ["succeeded"]);
      // The loser is told why, and only the winner's approval exists.
      const told = await waitUntil(
        () =>
          e.world.slack.ephemerals
            .slice(ephemeralsBefore)
            .find((x) => x.user === bob || x.user === undefined),
        "the second click to be answered",
        30_000,
      );
      expect(told.text).toMatch(/already/i);

      const m = await approveToTheEnd(e, { cutover: false });
      await expectCompletedRun(e, m, before);
      const approvals = (await audit(e, m.id)).filter((x) => x.action === "approve" && x.outcome === "ok");
      expect(approvals.map((x) => x.detail)).toEqual([
        'approved "Approve cutover"',
        'approved "Approve decommission"',
      ]);
      expect(m.approvals.map((a) => a.stepId)).toEqual(["gate-cutover", "gate-decommission"]);
    });
  }, 240_000);

  it("a redelivered click (X-Slack-Retry-Num, same signed body) is acted on once", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      await startMigration(e);
      await waitForStep(e, "gate-cutover", ["awaiting-approval"]);
      const live = e.slack.liveMessage();
      if (!live) throw new Error("no live message");
      const client = e.world.client;
      const body = client.blockActionsBody({
        userId: bob,
        actionId: "hikkoshi.approve",
        value: (await waitForButton(e, /approve cutover/i)).value ?? "",
        label: "Approve cutover",
        channelId: live.channel,
        messageTs: live.ts,
        message: { text: live.text, blocks: live.blocks },
      });
      const signed = client.sign(body, "application/x-www-form-urlencoded");
      const [first, retry] = await Promise.all([
        client.send(signed),
        client.send(signed, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }),
      ]);
      expect([first.status, retry.status]).toEqual([200, 200]);
      await waitForStep(e, "gate-cutover", ["succeeded"]);
      const m = await approveToTheEnd(e, { cutover: false });
      await expectCompletedRun(e, m, before);
      const approvals = (await audit(e, m.id)).filter((x) => x.action === "approve");
      // One approval per gate, and no refusal either: the redelivery was dropped, not re-judged.
      expect(approvals.map((x) => [x.actor, x.outcome])).toEqual([
        [bob, "ok"],
        [bob, "ok"],
      ]);
    });
  }, 240_000);

  it("Slack rate-limits chat.update (Slack's pace and injected 429s): the live message still ends right", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e, before) => {
      const slack = e.world.slack;
      slack.setRateLimit("chat.update", { limit: 1, windowMs: 1000, per: "message" });
      slack.failNext("chat.postMessage", "ratelimited", { times: 1, retryAfterSeconds: 1 });
      await startMigration(e);
      await approveCutover(e);
      await waitForStep(e, "gate-decommission", ["awaiting-approval"], 120_000);
      const approve = await waitForButton(e, /approve decommission/i);
      slack.failNext("chat.update", "ratelimited", { times: 3, retryAfterSeconds: 1 });
      await click(e, bob, approve);
      const m = await waitForStatus(e, ["completed", "halted", "rollback-failed"], 120_000);
      expect(m.status, e.slack.console()).toBe("completed");
      await expectCompletedRun(e, m, before);
      const limited = slack.calls.filter((c) => c.method === "chat.update" && c.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(3);
      // One live message, despite the 429 on the first post.
      const top = slack
        .channelMessages(e.world.config.environments.production!.channel)
        .filter((x) => !x.threadTs);
      expect(top).toHaveLength(1);
    });
  }, 240_000);

  // FINDINGS.md #3 (fixed): the bot records the version each live message shows and, on start, redraws
  // finished migrations left behind their record.
  it("bot restarted while Slack holds back the final update: the live message still ends showing completed", async () => {
    await withWorld({ strategy: "cnameSwap" }, async (e) => {
      await startMigration(e);
      await approveCutover(e);
      await waitForStep(e, "gate-decommission", ["awaiting-approval"], 120_000);
      const approve = await waitForButton(e, /approve decommission/i);
      // From here Slack accepts one update of the live message per 5 s: the final one is held back.
      e.world.slack.setRateLimit("chat.update", { limit: 1, windowMs: 5_000, per: "message" });
      await click(e, bob, approve);
      const m = await waitForStatus(e, ["completed", "halted", "rollback-failed"], 120_000);
      expect(m.status).toBe("completed");
      await e.world.restartApp(); // a deploy right after the end (or a crash)
      await waitForLiveMessage(e, m.id, (l) => l.some((x) => /completed/.test(x)), "completed", 20_000);
    });
  }, 240_000);
});
