// The handoff of 800 forbidden CronJobs inside a whole migration, with the step worker (a child process
// on the production lock settings) SIGKILLed once half of them have started on the target and started
// again at once, as a Deployment brings back a crashed pod. Reports the longest loss window (from the
// marks hikkoshi wrote, and as the test hosts observed it) and how long after the kill the handoff wrote
// again (the dead worker's lock expiring, the stalled check, the new worker's start-up).

import { observedGap } from "@hikkoshi/test-hosts/kube";
import type { HandoffReport } from "../src/migration/ports.js";
import { DATA } from "../src/migration/steps/dataKeys.js";
import { ALICE, BOB, startEngineWorld } from "../test/k8s/engineWorld.js";
import { cronJob, FORBIDDEN } from "../test/k8s/support.js";
import { waitForGate } from "../test/support/engineHarness.js";
import { waitFor } from "../test/support/waitFor.js";
import { round } from "./common.js";

const CRONJOBS = 800;

export async function runCrashBench(): Promise<Record<string, unknown>> {
  const w = await startEngineWorld({
    handoff: "{ concurrency: 16, requestsPerSecond: 100000 }",
    cronJobs: { tickMs: 50, jobDurationMs: 1000 },
  });
  try {
    const keys = new Set<string>();
    for (let i = 0; i < CRONJOBS; i++) {
      const ns = `team-${i % 20}`;
      const name = `job-${String(i).padStart(4, "0")}`;
      keys.add(`${ns}/${name}`);
      w.source.objects.put(cronJob(ns, name, { schedule: "*/5 * * * *", labels: FORBIDDEN }));
    }
    const starts = () =>
      w.target.activity.changes.filter((c) => c.kind === "CronJob" && c.active && keys.has(c.key));
    await w.startWorker();
    const started = await w.engine.commands.start("production", ALICE);
    if (!started.ok) throw new Error(started.rejection.message);
    const id = started.value.id;
    await waitForGate(w.engine, id, "gate-cutover", 300_000);
    const approved = await w.engine.commands.approve({ env: "production" }, BOB);
    if (!approved.ok) throw new Error(approved.rejection.message);
    await waitFor(() => starts().length >= CRONJOBS / 2, "half of the CronJobs started", 300_000, 5);
    await w.killWorker();
    const killedAt = Date.now();
    const restartedAt = await w.startWorker();
    await waitForGate(w.engine, id, "gate-decommission", 300_000);
    const report = await w.engine.store.dataGet<HandoffReport>(id, DATA.handoff);
    if (!report || report.cronJobsMoved !== CRONJOBS) throw new Error("handoff did not move every CronJob");

    const firstAfter = starts()
      .map((c) => c.wallMs)
      .filter((t) => t >= killedAt)
      .sort((a, b) => a - b)[0];
    const observed = [...keys].map((k) => {
      const [ns, name] = k.split("/") as [string, string];
      return observedGap(w.source.activity, w.target.activity, "CronJob", ns, name)?.gapMs ?? 0;
    });
    const reported = report.gaps.map((g) => g.gapMs);
    return {
      cronJobs: CRONJOBS,
      gapMs: { max: round(Math.max(...reported)), observedMax: round(Math.max(...observed)) },
      // Kill to the first start on the target by the new worker (includes its start-up).
      recoveryMs: firstAfter !== undefined ? firstAfter - killedAt : null,
      workerStartMs: restartedAt - killedAt,
      overBudget: report.overBudget?.length ?? 0,
    };
  } finally {
    await w.close();
  }
}
