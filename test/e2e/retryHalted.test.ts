// Retry of a halted step, driven through Slack in the sandbox world (real Bolt, Velero on the Kubernetes
// test hosts, Redis): the old cluster's backup storage location goes Unavailable as the first Backup is
// created, so every Backup ends FailedValidation and the backup step halts once its job's attempts are
// spent. A person without the right is refused; two presses give one retry (which halts again, under new
// Backup names); the first halt's button is refused as stale; once storage is back, `/migrate retry`
// runs the step again and the migration completes. Every failed Backup is kept and named in the thread.

import { SlackDriver } from "@hikkoshi/sandbox/driver";
import { SANDBOX_CHANNEL, SANDBOX_USERS, startSandboxWorld } from "@hikkoshi/sandbox/world";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeButtonValue } from "../../src/bot/actions/value.js";
import type { Migration } from "../../src/migration/types.js";
import { audit, waitForMigration, waitForStatus } from "./support/flow.js";
import {
  alice,
  bob,
  click,
  clickExpectingReply,
  commandReply,
  startMigration,
  waitForButton,
} from "./support/slack.js";
import { waitUntil } from "./support/wait.js";
import { type E2eWorld, SMALL_ESTATE } from "./support/world.js";

const { carol } = SANDBOX_USERS;

let e: E2eWorld;
beforeAll(async () => {
  const world = await startSandboxWorld({
    strategy: "cnameSwap",
    logger: pino({ level: process.env.E2E_LOG ?? "silent" }),
    estate: SMALL_ESTATE,
    minUpdateIntervalMs: 200,
    // Three quick attempts per run, so a Backup that cannot succeed halts the step within a second or two.
    engineOptions: { retry: { attempts: 3, backoff: { type: "fixed", delay: 100 } } },
  });
  e = { world, slack: new SlackDriver(world), close: () => world.close() };
}, 120_000);
afterAll(async () => {
  await e?.close();
});

function backups(): Array<{ name: string; phase: string | undefined }> {
  return e.world.old.objects
    .list("velero.io/v1", "Backup", "velero")
    .map((b) => ({ name: b.metadata?.name ?? "", phase: (b.status as { phase?: string })?.phase }));
}

function threadText(m: Migration): string {
  const ts = m.slack?.ts;
  if (!ts) return "";
  return e.world.slack
    .replies(SANDBOX_CHANNEL, ts)
    .map((r) => `${r.text}\n${JSON.stringify(r.blocks ?? [])}`)
    .join("\n");
}

describe("Retry a halted step from Slack", () => {
  it("refuses without the right, retries once for two presses, refuses an old button, and `/migrate retry` completes the migration", async () => {
    // Storage fails the moment the first Backup is created (preflight saw it Available) and stays down.
    const velero = e.world.old.velero;
    if (!velero) throw new Error("the sandbox's old cluster has no Velero");
    let down = false;
    const off = e.world.old.store.onChange((ev) => {
      if (ev.type !== "ADDED" || ev.resource !== "velero.io/backups" || down) return;
      down = true;
      velero.setBslPhase("Unavailable");
    });

    const started = await startMigration(e);
    const id = started.id;
    const base = `hikkoshi-${id}`;
    const first = await waitForStatus(e, ["halted", "completed", "rolled-back"], 120_000);
    expect(first.status, e.slack.console()).toBe("halted");
    expect(first.steps[first.cursor]?.kind).toBe("backup");
    const firstRetry = await waitForButton(e, /^Retry Back up/);
    expect(firstRetry.value).toContain(`"v":${first.version}`);

    // carol may roll back, but neither start nor approve: refused, audited, nothing moves.
    const refused = await clickExpectingReply(e, carol, firstRetry, /not allowed to retry halted steps/);
    expect(refused.text).toMatch(/permissions\.start or environments\.production\.permissions\.approve/);
    expect((await e.world.app.engine.store.get(id))?.version).toBe(first.version);

    // Two presses of the same button: one retry. Storage is still down, so the new run halts again.
    await Promise.all([click(e, alice, firstRetry), click(e, bob, firstRetry)]);
    const second = await waitForMigration(
      e,
      (m) => m.status === "halted" && m.version > first.version,
      "the retried backup to halt again",
      120_000,
    );
    const afterPresses = (await audit(e, id)).filter((x) => x.action === "retry");
    expect(afterPresses.filter((x) => x.outcome === "ok")).toHaveLength(1);
    expect(afterPresses.filter((x) => x.outcome === "denied").map((x) => x.actor)).toEqual([carol]);
    await waitUntil(
      () =>
        e.world.slack.ephemerals.some((x) =>
          /is not halted, so there is nothing to retry|from an older view/.test(x.text),
        ),
      "the losing press to be told why",
      30_000,
    );
    // Each run made Backups of its own; the first run's stay as they were.
    const namesAfterSecond = backups().map((b) => b.name);
    expect(namesAfterSecond).toContain(base);
    expect(namesAfterSecond.length).toBeGreaterThanOrEqual(2);

    // The first halt's button is from an older view now: refused specifically, nothing moves.
    await waitForButton(e, /^Retry Back up/);
    const stale = await clickExpectingReply(e, alice, firstRetry, /older view/);
    expect(stale.text).toContain(`version ${first.version}, now ${second.version}`);
    expect((await e.world.app.engine.store.get(id))?.version).toBe(second.version);

    // A forged value (the current version, another step) is refused for what it is; so is one not ours.
    const forged = {
      ...firstRetry,
      value: encodeButtonValue({ migrationId: id, version: second.version, stepId: "handoff" }),
    };
    const wrongStep = await clickExpectingReply(e, alice, forged, /this Retry button is for step "handoff"/);
    expect(wrongStep.text).toContain("halted at");
    const garbage = { ...firstRetry, value: '{"m":"x","v":-1}' };
    await clickExpectingReply(e, alice, garbage, /does not carry a migration I can read/);
    expect((await e.world.app.engine.store.get(id))?.version).toBe(second.version);

    // Storage is back: `/migrate retry` runs the step again and the migration goes on.
    off();
    velero.setBslPhase("Available");
    expect(await commandReply(e, bob, "retry production")).toMatch(/Retrying/);
    await click(e, bob, await waitForButton(e, /approve cutover/i, 120_000));
    await click(e, bob, await waitForButton(e, /approve decommission/i, 120_000));
    const done = await waitForStatus(e, ["completed", "halted", "rolled-back", "rollback-failed"], 180_000);
    expect(done.status, e.slack.console()).toBe("completed");

    // Every failed Backup is kept; one later attempt, under a new name, completed.
    const all = backups();
    const completed = all.filter((b) => b.phase === "Completed");
    expect(completed).toHaveLength(1);
    const failed = all.filter((b) => b.phase === "FailedValidation");
    expect(failed.map((b) => b.name)).toEqual(expect.arrayContaining(namesAfterSecond));
    expect(failed.length + 1).toBe(all.length);
    expect(completed[0]?.name).toMatch(new RegExp(`^${base}-r\\d+$`));

    // The thread names every failed Backup with its describe command.
    const record = await e.world.app.engine.store.get(id);
    if (!record) throw new Error("record gone");
    await waitUntil(
      () => failed.every((b) => threadText(record).includes(`velero backup describe ${b.name} --details`)),
      "the thread to name every failed Backup",
      30_000,
      { explain: () => threadText(record) },
    );

    const retries = (await audit(e, id)).filter((x) => x.action === "retry" && x.outcome === "ok");
    expect(retries).toHaveLength(2);
    expect(retries[1]?.actor).toBe(bob);
    expect(
      retries.every((x) => /^retried "Back up source \(Velero\)" \(run \d+\) after: /.test(x.detail)),
    ).toBe(true);
  }, 420_000);
});
