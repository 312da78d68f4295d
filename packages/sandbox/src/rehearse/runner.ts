// Runs a rehearsal scenario against a sandbox session: each step as a person or an operator would do it
// (signed Slack requests, faults on the hosts), checks as the world shows them, and the invariant watch
// throughout. Returns what failed, by scenario line; never throws for a failed expectation.

import { renderBlocksText } from "@hikkoshi/test-hosts/slack/console";
import { buttonsOf } from "@hikkoshi/test-hosts/slack/slackClient";
import type { Migration } from "../../../../src/migration/types.js";
import type { Session } from "../session.js";
import { SANDBOX_CHANNEL, SANDBOX_USERS, type SandboxWorld } from "../world.js";
import { cronJobSideActive, dnsSide, homeFingerprint, viewWorld } from "../worldView.js";
import type { Scenario } from "./scenario.js";
import type { Step } from "./steps.js";

export interface StepOutcome {
  line: number;
  text: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface RehearsalResult {
  ok: boolean;
  steps: StepOutcome[];
  /** End-state checks and invariant violations that failed. */
  failures: string[];
  console: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NAMES = { users: Object.fromEntries(Object.entries(SANDBOX_USERS).map(([n, id]) => [id, n])) };

class StepFailed extends Error {}

async function newestMigration(world: SandboxWorld): Promise<Migration | undefined> {
  const { commands, store } = world.app.engine;
  const [view] = await commands.active("production");
  const id = view?.migration.id ?? (await commands.history("production", 1))[0]?.id;
  return id ? store.get(id) : undefined;
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new StepFailed(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const stripEmoji = (s: string) =>
  s
    .replace(/:[a-z0-9_+-]+:/g, "")
    .trim()
    .toLowerCase();

function findButton(world: SandboxWorld, label: string) {
  const top = world.slack.channelMessages(SANDBOX_CHANNEL);
  const want = label.toLowerCase();
  for (const m of [...top].reverse()) {
    const buttons = buttonsOf(m.blocks);
    const b =
      buttons.find((x) => stripEmoji(x.text) === want) ??
      buttons.find((x) => stripEmoji(x.text).includes(want));
    if (b) return { message: m, button: b };
  }
  return undefined;
}

export async function runScenario(
  session: Session,
  scenario: Scenario,
  log: (line: string) => void = () => {},
): Promise<RehearsalResult> {
  const { world, faults, invariants } = session;
  const home = homeFingerprint(viewWorld(world));
  const timeoutMs = scenario.timeoutSeconds * 1000;
  // What the last person to act was told: their ack and the ephemerals addressed to them since.
  let reply: { user: string; ack: string; since: number } | undefined;
  const repliesNow = () =>
    reply
      ? [
          reply.ack,
          ...world.slack.ephemerals
            .slice(reply.since)
            .filter((e) => e.user === undefined || e.user === reply!.user)
            .map((e) => renderBlocksText(e.blocks, e.text, NAMES)),
        ].filter(Boolean)
      : [];

  const run = async (step: Step): Promise<void> => {
    switch (step.kind) {
      case "command": {
        const since = world.slack.ephemerals.length;
        const res = await world.client.slashCommand({
          userId: SANDBOX_USERS[step.user],
          text: step.text,
          channelId: SANDBOX_CHANNEL,
          command: "/migrate",
        });
        if (res.status !== 200) throw new StepFailed(`the bot answered HTTP ${res.status}: ${res.body}`);
        const ack = res.json as { text?: string; blocks?: unknown[] } | undefined;
        reply = {
          user: SANDBOX_USERS[step.user],
          ack: ack?.text ? renderBlocksText(ack.blocks ?? [], ack.text, NAMES) : "",
          since,
        };
        return;
      }
      case "click": {
        const found = await until(`a "${step.label}" button`, timeoutMs, () => findButton(world, step.label));
        const since = world.slack.ephemerals.length;
        const { message: m, button: b } = found;
        const res = await world.client.clickOn(m, b, SANDBOX_USERS[step.user]);
        if (res.status !== 200) throw new StepFailed(`the bot answered HTTP ${res.status}`);
        reply = { user: SANDBOX_USERS[step.user], ack: "", since };
        return;
      }
      case "expect-reply": {
        if (!reply)
          throw new StepFailed("no one ran a command or clicked yet, so there is no reply to check");
        if (step.negate) {
          await sleep(1500);
          const hit = repliesNow().find((r) => step.pattern.test(r));
          if (hit) throw new StepFailed(`expected no reply matching ${step.pattern}, got: ${hit}`);
          return;
        }
        await until(
          `a reply matching ${step.pattern} (replies so far: ${JSON.stringify(repliesNow())})`,
          Math.min(timeoutMs, 30_000),
          () => repliesNow().find((r) => step.pattern.test(r)),
        );
        return;
      }
      case "wait-step":
        await until(`step ${step.step} reaching ${step.states.join("|")}`, timeoutMs, async () => {
          const m = await newestMigration(world);
          const s = m?.steps.find((x) => x.id === step.step)?.status.state;
          return s && step.states.includes(s) ? s : undefined;
        });
        return;
      case "wait-status":
        await until(`status ${step.statuses.join("|")}`, timeoutMs, async () => {
          const m = await newestMigration(world);
          return m && step.statuses.includes(m.status) ? m.status : undefined;
        });
        return;
      case "wait-button":
        await until(`a "${step.label}" button`, timeoutMs, () => findButton(world, step.label));
        return;
      case "sleep":
        await sleep(step.seconds * 1000);
        return;
      case "expect-dns": {
        const probe = () => (dnsSide(viewWorld(world)) === step.where ? true : undefined);
        if (step.wait) await until(`DNS at ${step.where}`, timeoutMs, probe);
        else if (!probe()) throw new StepFailed(`DNS is at ${dnsSide(viewWorld(world))}, not ${step.where}`);
        return;
      }
      case "expect-cronjobs": {
        const probe = () => (cronJobSideActive(viewWorld(world)) === step.where ? true : undefined);
        if (step.wait) await until(`forbidden CronJobs active on ${step.where}`, timeoutMs, probe);
        else if (!probe())
          throw new StepFailed(
            `forbidden CronJobs are active on ${cronJobSideActive(viewWorld(world))}, not ${step.where}`,
          );
        return;
      }
      case "expect-start":
        if (homeFingerprint(viewWorld(world)) !== home)
          throw new StepFailed(
            "the world is not back at its starting point (records, suspend flags, replicas)",
          );
        return;
      case "expect-invariant":
        if (invariants.violations.length > 0)
          throw new StepFailed(`invariant broken: ${invariants.violations.join("; ")}`);
        return;
      case "fault":
        faults.set(step.fault, step.on);
        return;
      case "clear-faults":
        faults.clear();
        return;
      default: {
        const unknown: never = step;
        throw new Error(`no runner for step ${JSON.stringify(unknown)}`);
      }
    }
  };

  const outcomes: StepOutcome[] = [];
  const failures: string[] = [];
  for (const s of scenario.steps) {
    const started = Date.now();
    try {
      await run(s.step);
      if (invariants.violations.length > 0)
        throw new StepFailed(`invariant broken: ${invariants.violations.join("; ")}`);
      outcomes.push({ line: s.line, text: s.text, ok: true, ms: Date.now() - started });
      log(`  ✓ line ${s.line}: ${s.text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      const error = err instanceof StepFailed ? err.message : `error: ${(err as Error).stack ?? String(err)}`;
      outcomes.push({ line: s.line, text: s.text, ok: false, ms: Date.now() - started, error });
      failures.push(`line ${s.line}: ${s.text}: ${error}`);
      log(`  ✗ line ${s.line}: ${s.text}\n      ${error}`);
      break;
    }
  }

  if (failures.length === 0) {
    const end = scenario.end;
    try {
      if (end.status) {
        const status = end.status;
        await until(`the migration ending ${status}`, timeoutMs, async () => {
          const m = await newestMigration(world);
          return m?.status === status ? status : undefined;
        });
      }
    } catch (err) {
      failures.push(
        `end: ${(err as Error).message} (it is ${(await newestMigration(world))?.status ?? "not started"})`,
      );
    }
    await sleep(300); // the last effects' read-backs have landed on the hosts by now
    const view = viewWorld(world);
    if (end.dns && dnsSide(view) !== end.dns)
      failures.push(`end: DNS is at ${dnsSide(view)}, not ${end.dns}`);
    if (end.cronjobs && cronJobSideActive(view) !== end.cronjobs)
      failures.push(`end: forbidden CronJobs are active on ${cronJobSideActive(view)}, not ${end.cronjobs}`);
    if (end.atStart !== undefined && (homeFingerprint(view) === home) !== end.atStart)
      failures.push(
        end.atStart ? "end: the world is not back at its starting point" : "end: the world is unchanged",
      );
  }
  for (const v of invariants.violations) failures.push(`invariant: ${v}`);
  const live = world.slack.channelMessages(SANDBOX_CHANNEL).at(-1);
  return {
    ok: failures.length === 0,
    steps: outcomes,
    failures: [...new Set(failures)],
    console: live ? renderBlocksText(live.blocks, live.text, NAMES) : "(no message in the channel)",
  };
}
