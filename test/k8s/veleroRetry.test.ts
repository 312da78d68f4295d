// A Backup whose storage location goes Unavailable for a while, in a whole migration (worker in a child
// process): Velero ends it FailedValidation, the step's own retry creates a new Backup under the next
// attempt name while the failed one is kept and named in the thread with its describe command, the
// restore uses the attempt that completed, and the migration completes.

import { afterEach, describe, expect, it } from "vitest";
import type { BackupReport } from "../../src/migration/ports.js";
import { DATA } from "../../src/migration/steps/dataKeys.js";
import { waitForGate, waitForStatus } from "../support/engineHarness.js";
import { ALICE, BOB, type EngineWorld, startEngineWorld } from "./engineWorld.js";
import { cronJob, FORBIDDEN } from "./support.js";

let w: EngineWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe("Velero retries", () => {
  it("a backup whose storage location is unavailable for a while fails, is retried under a new name, and the migration completes", async () => {
    w = await startEngineWorld({
      handoff: "{ concurrency: 4 }",
      retry: { attempts: 8, delayMs: 400 },
    });
    const world = w;
    world.source.objects.put(cronJob("billing", "invoice-run", { schedule: "0 9 * * *", labels: FORBIDDEN }));
    // The storage location fails the moment the first Backup is created (after preflight saw it
    // Available), and comes back 1.5 s later.
    let outage = false;
    const off = world.source.store.onChange((e) => {
      if (e.type !== "ADDED" || e.resource !== "velero.io/backups" || outage) return;
      outage = true;
      world.source.velero!.storageOutage(1_500);
    });
    await world.startWorker();
    const started = await world.engine.commands.start("production", ALICE);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(world.engine, id, "gate-cutover", 120_000);
    off();
    expect(await world.engine.commands.approve({ env: "production" }, BOB)).toMatchObject({ ok: true });
    await waitForGate(world.engine, id, "gate-decommission", 120_000);
    expect(await world.engine.commands.approve({ env: "production" }, BOB)).toMatchObject({ ok: true });
    await waitForStatus(world.engine, id, "completed", 120_000);

    const base = `hikkoshi-${id}`;
    const backups = world.source.objects
      .list("velero.io/v1", "Backup", "velero")
      .map((b) => ({ name: b.metadata?.name ?? "", phase: (b.status as { phase?: string })?.phase }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // The first attempt is kept, failed; a later attempt (new name) completed.
    expect(backups[0]).toEqual({ name: base, phase: "FailedValidation" });
    expect(backups.at(-1)?.phase).toBe("Completed");
    expect(backups.at(-1)?.name).toMatch(new RegExp(`^${base}-r\\d+$`));
    expect(backups.filter((b) => b.phase === "Completed")).toHaveLength(1);

    const report = await world.engine.store.dataGet<BackupReport>(id, DATA.backup);
    expect(report?.name).toBe(backups.at(-1)?.name);
    expect(report?.failedAttempts?.[0]).toMatchObject({
      name: base,
      phase: "FailedValidation",
      describeCommand: `velero backup describe ${base} --details`,
    });
    expect(report?.failedAttempts?.[0]?.reason).toMatch(
      /BackupStorageLocation default is in Unavailable status/,
    );

    // The restores read the Backup that completed.
    const restores = world.target.objects.list("velero.io/v1", "Restore", "velero");
    expect(restores.length).toBeGreaterThanOrEqual(2);
    for (const r of restores) expect((r.spec as { backupName?: string }).backupName).toBe(report?.name);

    // The thread names the failed Backup with its describe command, and the retry's name.
    const audit = await world.engine.commands.auditSince(id, "0");
    const details = audit.map((e) => e.detail ?? "");
    expect(details.some((d) => d.includes(`velero backup describe ${base} --details`))).toBe(true);
    expect(
      details.some(
        (d) => d.includes(`Backup ${base} ended FailedValidation`) && d.includes("Kept for inspection"),
      ),
    ).toBe(true);
  }, 300_000);
});
