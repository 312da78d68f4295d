// `npm run sandbox -- --script`: a whole migration on the embedded default world, driven as Slack would
// drive it, printed as the Slack channel would show it (for terminals and CI).
import type { Logger } from "pino";
import { closeOnSignal } from "./closeOnSignal.js";
import { SlackDriver } from "./driver.js";
import { SANDBOX_USERS, startSandboxWorld } from "./world.js";

export async function runScript(opts: {
  strategy: "weighted" | "cnameSwap";
  rollback: boolean;
  logger: Logger;
}): Promise<void> {
  const say = (title: string, body = "") =>
    process.stdout.write(`\n=== ${title}\n${body}${body ? "\n" : ""}`);
  const world = await startSandboxWorld({ strategy: opts.strategy, logger: opts.logger });
  const release = closeOnSignal(() => world.close());
  const slack = new SlackDriver(world);
  const { alice, bob, mallory } = SANDBOX_USERS;
  try {
    say(
      "sandbox ready",
      `old cluster production-20251101 (${world.estate.cronJobs} CronJobs, ${world.estate.forbidden} duplication-forbidden), new cluster production-20261125, Route 53 zone example.com, Redis ${world.redis.url}`,
    );
    say("alice: /migrate plan production", await slack.command(alice, "plan production"));
    say("mallory: /migrate start production", await slack.command(mallory, "start production"));
    say("alice: /migrate start production", await slack.command(alice, "start production"));

    const approveCutover = await slack.waitForButton(/approve cutover/i);
    say("live message at the cutover gate", slack.console());
    say("alice clicks Approve cutover (she started it: four-eyes)", await slack.click(alice, approveCutover));
    say("bob clicks Approve cutover", (await slack.click(bob, approveCutover)) || "(accepted)");

    if (opts.rollback) {
      await slack.waitForButton(/approve decommission/i, 180_000);
      const rollback = await slack.waitForButton(/roll ?back/i);
      say(
        "bob clicks Rollback at the decommission gate (traffic already on the new cluster)",
        (await slack.click(bob, rollback)) || "(accepted)",
      );
      await slack.waitForStatus(["rolled-back", "rollback-failed"]);
    } else {
      const approveDecommission = await slack.waitForButton(/approve decommission/i, 180_000);
      say("bob clicks Approve decommission", (await slack.click(bob, approveDecommission)) || "(accepted)");
      await slack.waitForStatus(["completed", "halted"], 40_000);
    }
    await new Promise((r) => setTimeout(r, 1500)); // let the last coalesced update and the report land
    say("final state of the channel", slack.console());
    const records = world.route53.recordSets(world.zoneId).filter((r) => r.Type === "CNAME");
    say(
      "Route 53 records now",
      records
        .map(
          (r) =>
            `${r.Name} ${r.SetIdentifier ? `[${r.SetIdentifier} w=${r.Weight}] ` : ""}TTL ${r.TTL} → ${r.ResourceRecords?.map((v) => v.Value).join(",")}`,
        )
        .join("\n"),
    );
    say("alice: /migrate history production", await slack.command(alice, "history production"));
  } finally {
    release();
    await world.close();
  }
}
