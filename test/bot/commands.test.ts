// /migrate end to end: signed slash commands into the real Bolt receiver, the real engine on a real
// redis-server, answers through response_urls and the live message on the Slack test host.

import { describe, expect, it } from "vitest";
import { waitForGate, waitForStatus } from "../support/engineHarness.js";
import { waitFor } from "../support/waitFor.js";
import { startMigration, useBotWorld } from "./harness.js";
import { ackText, buttonLabels, ephemeralFor, ephemeralsFor, messageShows } from "./messages.js";
import { ALICE, BOB, CHANNEL, MALLORY, OLLY, PAT } from "./workspace.js";

const w = useBotWorld();

describe("/migrate parsing answers in the ack, and changes nothing", () => {
  it("help, unknown environment, unknown command, missing argument, wrong cluster", async () => {
    const ask = async (text: string) => {
      const res = await w.client.slashCommand({ userId: ALICE, text });
      expect(res.status).toBe(200);
      expect((res.json as { response_type: string }).response_type).toBe("ephemeral");
      return ackText(res.json);
    };
    expect(await ask("")).toContain("/migrate start <env> [to <cluster>]");
    expect(await ask("help rollback")).toContain("/migrate rollback <env> [reason]");
    expect(await ask("start prodution")).toBe(
      '⚠️ unknown environment "prodution"; did you mean "production"?',
    );
    expect(await ask("strat production")).toContain('unknown command "strat"; did you mean "start"?');
    expect(await ask("approve")).toContain("usage: /migrate approve <env>");
    expect(await ask("start production to staging-20261120")).toContain(
      'cluster "staging-20261120" is not configured for production; valid clusters: "production-20251101", "production-20261125"',
    );
    expect(await w.engine.commands.active()).toEqual([]);
    expect(w.host.calls.filter((c) => c.method.startsWith("chat."))).toEqual([]);
  });
});

describe("/migrate commands", () => {
  it("plan is a dry run: findings and what would move, nothing changes", async () => {
    await w.client.slashCommand({ userId: MALLORY, text: "plan production" });
    const text = await ephemeralFor(w, MALLORY, /Plan for production/);
    expect(text).toContain("dry run: nothing was changed");
    expect(text).toContain("production-20251101 → production-20261125");
    expect(text).toContain("Would move: CronJob 5 · Deployment 3");
    expect(text).toContain("batch/billing");
    expect(await w.engine.commands.active()).toEqual([]);
    expect(await w.ports.world.effects()).toEqual({});
  });

  it("start posts one live message, records where it is, and shows the cutover gate", async () => {
    const id = await startMigration(w, ALICE);
    expect(ephemeralsFor(w, ALICE).at(-1)).toContain(`Follow it (and roll back from there) in #${CHANNEL}`);
    const msg = await messageShows(w, id, /\[ Approve cutover/);
    expect(msg.channel).toBe(CHANNEL);
    // The reference is recorded and the thread written right after the post: wait for them, bounded.
    const ref = await waitFor(async () => (await w.engine.store.get(id))!.slack, "the recorded live message");
    expect(ref).toMatchObject({ channel: CHANNEL, ts: msg.ts });
    expect(buttonLabels(msg)).toEqual(["Approve cutover", "Roll back"]);
    expect(w.host.channelMessages(CHANNEL)).toHaveLength(1);
    const thread = await waitFor(() => {
      const text = w.host
        .replies(CHANNEL, msg.ts)
        .map((r) => r.text)
        .join("\n");
      return text.includes("*start*") ? text : undefined;
    }, "the start in the thread");
    expect(thread).toContain("@alice *start*");
    expect(thread).not.toContain(`<@${ALICE}>`); // names, not mentions: the audit trail pages nobody
  });

  it("start refuses people who may not start, and a second migration of the same environment", async () => {
    await w.client.slashCommand({ userId: MALLORY, text: "start production" });
    expect(await ephemeralFor(w, MALLORY, /not allowed/)).toContain(
      "you are not allowed to start migrations in production",
    );
    expect(await w.engine.commands.active()).toEqual([]);
    // No migration to attach the refusal to: it is in the environment's audit stream.
    const envAudit = await w.engine.commands.envAudit("production", "0");
    expect(envAudit).toMatchObject([{ actor: MALLORY, action: "start", outcome: "denied" }]);
    const id = await startMigration(w, ALICE);
    await w.client.slashCommand({ userId: BOB, text: "start production" });
    expect(await ephemeralFor(w, BOB, /already has a migration/)).toContain(id);
  });

  it("status, approve, history through the whole run", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    // Read-only: answered in the ack itself, nothing through the response_url.
    const repliesBefore = w.host.ephemerals.length;
    const asked = await w.client.slashCommand({ userId: MALLORY, text: "status production" });
    expect((asked.json as { response_type: string }).response_type).toBe("ephemeral");
    const status = ackText(asked.json);
    expect(status).toMatch(/production ·/);
    expect(status).toContain(`${id} v`);
    expect(status).toContain("waiting for approval");
    const all = ackText((await w.client.slashCommand({ userId: MALLORY, text: "status" })).json);
    expect(all).toMatch(new RegExp(`${id}.*[\\s\\S]*Live message in #${CHANNEL}`));
    expect(w.host.ephemerals.length).toBe(repliesBefore);

    await w.client.slashCommand({ userId: PAT, text: "approve production" });
    expect(await ephemeralFor(w, PAT, /Approved/)).toContain(`${id} continues`);
    await waitForGate(w.engine, id, "gate-decommission");
    await messageShows(w, id, /\[ Approve decommission/);
    await w.client.slashCommand({ userId: BOB, text: "approve production" });
    await waitForStatus(w.engine, id, "completed");
    const done = await messageShows(w, id, /completed/);
    expect(buttonLabels(done)).toEqual([]);

    await w.client.slashCommand({ userId: MALLORY, text: "history production" });
    expect(await ephemeralFor(w, MALLORY, /Recent migrations/)).toContain(`${id} completed`);
    await w.client.slashCommand({ userId: MALLORY, text: "approve production" });
    expect(await ephemeralFor(w, MALLORY, /nothing to approve/)).toContain(
      "No migration is running in production",
    );
  });

  it("rollback from the slash command is the same path as the button", async () => {
    const id = await startMigration(w, ALICE);
    await waitForGate(w.engine, id, "gate-cutover");
    await w.client.slashCommand({ userId: MALLORY, text: "rollback production" });
    await ephemeralFor(w, MALLORY, /not allowed to roll back/);
    expect((await w.engine.store.get(id))!.status).toBe("awaiting-approval");
    await w.client.slashCommand({ userId: OLLY, text: "rollback production smoke checks are red" });
    expect(await ephemeralFor(w, OLLY, /Rolling back/)).toContain(id);
    await waitForStatus(w.engine, id, "rolled-back");
    const msg = await messageShows(w, id, /rolled back/);
    expect(buttonLabels(msg)).toEqual([]);
    expect((await w.engine.store.get(id))!.rollback?.reason).toBe("smoke checks are red");
    const audit = await w.engine.commands.auditSince(id, "0", 500);
    expect(audit.filter((e) => e.actor === MALLORY && e.outcome === "denied").map((e) => e.action)).toEqual([
      "rollback",
    ]);
  });

  it("abort before anything changed; after that it names rollback", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const original = w.ports.clusters.preflight;
    w.ports.clusters.preflight = async (ctx) => {
      await held;
      return original(ctx);
    };
    const id = await startMigration(w, ALICE);
    await w.client.slashCommand({ userId: ALICE, text: "abort production" });
    expect(await ephemeralFor(w, ALICE, /Aborted|cannot/)).toContain(`Aborted ${id}`);
    release();
    await waitForStatus(w.engine, id, "aborted");
    await messageShows(w, id, /aborted/);

    w.ports.clusters.preflight = original;
    const second = await startMigration(w, BOB);
    await waitForGate(w.engine, second, "gate-cutover");
    await w.client.slashCommand({ userId: PAT, text: "approve production" });
    await waitForGate(w.engine, second, "gate-decommission");
    await w.client.slashCommand({ userId: BOB, text: "abort production" });
    expect(await ephemeralFor(w, BOB, /cannot be aborted/)).toContain("/migrate rollback production");
  });
});

describe("the ack of /migrate waits on nothing it does not need", () => {
  it("is answered while Redis holds every write; the command then runs once", async () => {
    const redis = w.ports.world.redis;
    const probe = redis.duplicate();
    try {
      // Every write waits (the bot's cross-process claim included) until CLIENT UNPAUSE.
      await redis.call("CLIENT", "PAUSE", "50000", "WRITE");
      let probeDone = false;
      const probeWrite = probe.set("hikkoshi-test:probe", "1").then(() => {
        probeDone = true;
      });
      const res = await w.client.slashCommand({ userId: ALICE, text: "start production" });
      expect(res.status).toBe(200);
      // The ack came while writes were still held: it did not wait for the claim.
      expect(probeDone).toBe(false);
      await redis.call("CLIENT", "UNPAUSE");
      await probeWrite;
      const started = await ephemeralFor(w, ALICE, /Started|cannot|already/);
      expect(started).toMatch(/Started production-\d{8}-\d+/);
      expect(ephemeralsFor(w, ALICE).filter((t) => /Started/.test(t))).toHaveLength(1);
    } finally {
      await redis.call("CLIENT", "UNPAUSE").catch(() => {});
      probe.disconnect();
    }
  });
});
