// The thread cursor alone (fake Slack, in-memory store), and the thread's and the summary's text under
// hostile input: nothing a person typed can ping, link or break the formatting.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Paced } from "../../src/bot/live/pacing.js";
import { advanceThread, freshThread, type ThreadDeps } from "../../src/bot/live/thread.js";
import { silentLogger } from "../../src/bot/log.js";
import { renderReport } from "../../src/bot/render/report.js";
import { auditLine } from "../../src/bot/render/thread.js";
import { SlackPlatformError } from "../../src/bot/slackApi.js";
import type { AuditEntry } from "../../src/migration/commands.js";
import type { MigrationReport } from "../../src/migration/report.js";
import { migrationAt, T0 } from "./fixtures.js";
import { MemoryLiveStore } from "./memoryLiveStore.js";

const REF = { channel: "C0PROD0001", ts: "1.1" };
const MALLORY = "U0MALLORY1";

function thread(entries: AuditEntry[]) {
  const store = new MemoryLiveStore(() => T0);
  const posts: string[] = [];
  const updates: Array<{ ts: string; text: string }> = [];
  const postFailures: Error[] = [];
  let ts = 100;
  const deps: ThreadDeps = {
    commands: {
      auditSince: async (_id, after, limit = 100) =>
        entries.filter((e) => after === "0" || Number(e.id) > Number(after)).slice(0, limit),
    },
    store,
    api: {
      update: async (a) => {
        updates.push({ ts: a.ts, text: a.text });
      },
    },
    post: async (a) => {
      const err = postFailures.shift();
      if (err) throw err;
      posts.push(a.text);
      return { channel: a.channel, ts: `2.${ts++}` };
    },
    names: async (ids) => Object.fromEntries(ids.filter((i) => i === MALLORY).map((i) => [i, "mallory"])),
    log: silentLogger,
  };
  return { deps, store, posts, updates, postFailures, state: { ...freshThread(), cursor: "0" } };
}

const entry = (id: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: String(id),
  at: T0 + id * 1000,
  actor: "system",
  action: "step",
  outcome: "info",
  detail: `entry ${id}`,
  ...over,
});
const refusal = (id: number) =>
  entry(id, { actor: MALLORY, action: "approve", outcome: "denied", detail: "not allowed to approve" });

const m = migrationAt(5, { state: "awaiting-approval", startedAt: T0, run: 1 });

describe("thread cursor", () => {
  it("ten refusals of one person at one gate are one line, redrawn once with the count", async () => {
    const t = thread([entry(1), ...Array.from({ length: 10 }, (_, i) => refusal(2 + i)), entry(12)]);
    expect(await advanceThread(t.deps, t.state, m, REF)).toBe("done");
    expect(t.posts).toHaveLength(3);
    expect(t.posts[0]).toContain("entry 1");
    expect(t.posts[1]).toContain("@mallory *approve*");
    expect(t.posts[1]).not.toContain("refused");
    expect(t.posts[2]).toContain("entry 12");
    expect(t.updates).toEqual([{ ts: "2.101", text: expect.stringContaining("refused 10 times") }]);
    expect(t.state.cursor).toBe("12");
    expect(t.store.records.get(m.id)?.threadCursor).toBe("12");
  });

  it("a flush paused mid-way and run again repeats nothing and counts each refusal once", async () => {
    const t = thread([entry(1), refusal(2), refusal(3), entry(4)]);
    let calls = 0;
    const post = t.deps.post;
    t.deps.post = async (a) => {
      calls += 1;
      if (calls === 2) throw new Paced(500); // the refusal line has to wait
      return post(a);
    };
    await expect(advanceThread(t.deps, t.state, m, REF)).rejects.toBeInstanceOf(Paced);
    await advanceThread(t.deps, t.state, m, REF);
    expect(t.posts.map((p) => p.match(/entry \d|approve/)?.[0])).toEqual(["entry 1", "approve", "entry 4"]);
    expect(t.updates.at(-1)?.text).toContain("refused 2 times");
  });

  it("a reply Slack refuses is shortened, then replaced by a note; the thread moves on either way", async () => {
    const t = thread([entry(1, { detail: "x".repeat(500) }), entry(2), entry(3)]);
    t.postFailures.push(new SlackPlatformError("chat.postMessage", "msg_too_long", []));
    await advanceThread(t.deps, t.state, m, REF);
    expect(t.posts[0]).toContain("shortened");
    expect(t.state.cursor).toBe("3");

    const u = thread([entry(1), entry(2)]);
    u.postFailures.push(
      new SlackPlatformError("chat.postMessage", "invalid_blocks", []),
      new SlackPlatformError("chat.postMessage", "msg_too_long", []),
    );
    await advanceThread(u.deps, u.state, m, REF);
    expect(u.posts).toEqual([expect.stringContaining("could not be shown here")]);
    expect(u.state.cursor).toBe("2");
    u.deps.commands = { auditSince: async () => [entry(3)] };
    await advanceThread(u.deps, u.state, m, REF);
    expect(u.posts.at(-1)).toContain("entry 3");
  });

  it("other errors are not swallowed: the flush comes back and posts what is missing", async () => {
    const t = thread([entry(1)]);
    t.postFailures.push(new Error("ECONNRESET"));
    await expect(advanceThread(t.deps, t.state, m, REF)).rejects.toThrow("ECONNRESET");
    expect(t.state.cursor).toBe("0");
    await advanceThread(t.deps, t.state, m, REF);
    expect(t.posts).toEqual([expect.stringContaining("entry 1")]);
  });
});

const HOSTILE = [
  "<!channel>",
  "<!here>",
  "<!subteam^S0PLATFORM>",
  "<@U0BOB00001>",
  "<#C0PROD0001>",
  "<https://x.test|click>",
  "&lt;!channel&gt;",
  "`",
  "\u202e",
];
const hostileText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 })), { maxLength: 12 })
    .map((a) => a.join(" ")),
);

/** Slack markup that would ping, link or format: `<` opens every one of them. */
const noMarkup = (s: string) => !s.includes("<") && !s.includes(">") && !s.includes("\u202e");

describe("mention injection", () => {
  it("an audit line never carries markup from its actor, action or detail", () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, (actor, action, detail) => {
        const line = auditLine(entry(1, { actor, action, detail, outcome: "denied" }), { U0BOB00001: "bob" });
        expect(noMarkup(line.replace(/^\S+ /, ""))).toBe(true);
      }),
      { numRuns: 500, seed: 1015 },
    );
  });

  it("ids the bot resolved are shown as names, never as mentions; typed mentions are inert", () => {
    const line = auditLine(
      entry(1, {
        actor: "U0BOB00001",
        detail: "rollback: <!channel> ping <!subteam^S0PLATFORM> and <@U0BOB00001>",
      }),
      { U0BOB00001: "bob" },
    );
    expect(line).toContain("@bob *step*");
    expect(line).toContain("&lt;!channel&gt;");
    expect(line).toContain("&lt;!subteam^S0PLATFORM&gt;");
    expect(line).toContain("and @bob");
    expect(line).not.toMatch(/<[@!#]/);
  });

  it("the summary never carries markup from a rollback reason, an error, a warning, a resource or a person", () => {
    fc.assert(
      fc.property(
        hostileText,
        hostileText,
        hostileText,
        hostileText,
        hostileText,
        (reason, error, warning, resource, by) => {
          const r: MigrationReport = {
            id: "production-20261125-1",
            env: "production",
            source: "old",
            target: "new",
            status: "rolled-back",
            startedBy: by,
            createdAt: T0,
            steps: [{ id: "backup-2", title: "Back up source", state: "succeeded", durationMs: 1000 }],
            approvals: [{ step: "Approve cutover", by, at: T0 }],
            handoffGaps: [{ resource, gapMs: 1200 }],
            missedRuns: [`${resource} at 03:00 UTC`],
            handoffOverBudget: { budgetMs: 1000, resources: [resource] },
            dnsChanges: [],
            acceptedWarnings: [{ code: "w", severity: "warning", message: warning }],
            rollback: { by, at: T0, reason },
            error,
            nextSteps: "nothing",
          };
          expect(noMarkup(renderReport(r, { U0BOB00001: "bob" }))).toBe(true);
        },
      ),
      { numRuns: 300, seed: 1015 },
    );
  });
});
