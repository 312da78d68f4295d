import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cronJob, envContext, FORBIDDEN, never, noProgress, startWorld, type World } from "./support.js";

describe("smoke", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w.close());

  it("snapshots and hands off a CronJob", async () => {
    w.source.objects.put(cronJob("team-a", "billing", { labels: FORBIDDEN }));
    w.target.objects.put(cronJob("team-a", "billing", { labels: FORBIDDEN, suspend: true }));
    const ctx = envContext();
    const snap = await w.port.snapshotForbidden(ctx);
    expect(snap.cronJobs).toHaveLength(1);
    const report = await w.port.handoff(ctx, snap, noProgress, never());
    expect(report.cronJobsMoved).toBe(1);
    expect(w.source.objects.get("batch/v1", "CronJob", "billing", "team-a")?.spec?.suspend).toBe(true);
    expect(w.target.objects.get("batch/v1", "CronJob", "billing", "team-a")?.spec?.suspend).toBe(false);
    console.log(report);
  });
});
