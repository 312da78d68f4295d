// Random methods, paths, headers and bodies, signed and unsigned, to the bot's real port (in-process, over
// reused connections): every request is answered within Slack's 3 s, none with a 5xx, the process takes
// no unhandled error, and a valid command still works afterwards. CI runs 5,000 cases with a fixed seed;
// `npm run fuzz` runs more (FUZZ_RUNS, FUZZ_SEED).

import fc from "fast-check";
import { Client } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTION_APPROVE, ACTION_ROLLBACK, encodeButtonValue } from "../../src/bot/actions/value.js";
import { waitForGate } from "../support/engineHarness.js";
import { ALICE, CHANNEL, ephemeralFor, MALLORY, PAT, useBotWorld } from "./harness.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const ANSWER_WITHIN_MS = 3_000; // Slack's own deadline for an answer

const w = useBotWorld();

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
});

const FORM = "application/x-www-form-urlencoded";

async function startedBy(userId: string, env: string): Promise<string> {
  await w.client.slashCommand({ userId, text: `start ${env}` });
  const text = await ephemeralFor(w, userId, /Started|cannot|already|not allowed/);
  const id = /Started ([a-z]+-\d{8}-\d+)/.exec(text)?.[1];
  if (!id) throw new Error(`start ${env} failed: ${text}`);
  return id;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Users who may do nothing (so no case starts a migration), in the shape Slack issues.
const stranger = fc.oneof(fc.constant(MALLORY), fc.stringMatching(/^U0Z[A-Z0-9]{7}$/));
const channel = fc.oneof(
  fc.constant(CHANNEL),
  fc.constant("C0OTHER001"),
  fc.stringMatching(/^C[A-Z0-9]{8}$/),
);
const junk = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constant("<!channel>"),
  fc.jsonValue({ maxDepth: 2 }),
);
const commandText = fc.oneof(
  fc.constantFrom(
    "",
    "help",
    "status",
    "status production",
    "plan staging",
    "history production",
    "start production",
    "approve production",
    "rollback production &lt;!channel&gt; now",
    "abort production",
    "start &lt;!subteam^S0EVIL0001&gt;",
    "status <!here>",
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 40, unit: "grapheme" }).map((s) => `start ${s}`),
);

/** A field set of a valid request with some fields dropped or replaced (never response_url by a real URL). */
function mutate(base: Record<string, unknown>, replaceable: readonly string[]) {
  const change = fc.tuple(fc.constantFrom(...replaceable), fc.option(junk, { nil: undefined }));
  return fc
    .oneof(
      { arbitrary: fc.constant([]), weight: 2 },
      { arbitrary: fc.array(change, { minLength: 1, maxLength: 3 }), weight: 1 },
    )
    .map((changes) => {
      const out: Record<string, unknown> = { ...base };
      for (const [k, v] of changes) {
        if (v === undefined) delete out[k];
        else out[k] = v;
      }
      return out;
    });
}

function signedBodies(live: string): fc.Arbitrary<{ body: string; contentType: string }> {
  const slash = fc
    .record({
      user: stranger,
      channel,
      text: commandText,
      command: fc.constantFrom("/migrate", "/migrate", "/other"),
    })
    .chain(({ user, channel: ch, text, command }) =>
      mutate(w.client.slashCommandPayload({ userId: user, text, channelId: ch, command }), [
        "user_id",
        "channel_id",
        "text",
        "command",
        "trigger_id",
        "team_id",
      ]),
    )
    .map((fields) => ({
      body: new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [
          k,
          typeof v === "string" ? v : (JSON.stringify(v) ?? ""),
        ]),
      ).toString(),
      contentType: FORM,
    }));
  const value = fc.oneof(
    fc
      .record({ id: fc.stringMatching(/^production-2026\d{4}-[1-3]$/), v: fc.nat(20) })
      .map(({ id, v }) => encodeButtonValue({ migrationId: id, version: v, stepId: "gate-cutover" })),
    fc
      .record({ v: fc.nat(12), s: fc.constantFrom("gate-cutover", "gate-decommission", "smoke") })
      .map(({ v, s }) => encodeButtonValue({ migrationId: live, version: v, stepId: s })),
    fc.constant('{"m":"<!channel>","v":1}'),
    fc.string({ maxLength: 60 }),
  );
  const click = fc
    .record({
      user: stranger,
      channel,
      value,
      actionId: fc.constantFrom(ACTION_APPROVE, ACTION_ROLLBACK, "other.app"),
    })
    .chain(({ user, channel: ch, value: v, actionId }) =>
      mutate(
        w.client.blockActionsPayload({ userId: user, actionId, value: v, channelId: ch, messageTs: "1.1" }),
        ["type", "user", "channel", "team", "enterprise", "actions", "container", "message", "trigger_id"],
      ),
    )
    .map((p) => ({
      body: new URLSearchParams({ payload: JSON.stringify(p) }).toString(),
      contentType: FORM,
    }));
  const anyPayload = fc
    .jsonValue({ maxDepth: 3 })
    .map((j) => ({ body: `payload=${encodeURIComponent(JSON.stringify(j))}`, contentType: FORM }));
  const anyJson = fc
    .jsonValue({ maxDepth: 3 })
    .map((j) => ({ body: JSON.stringify(j), contentType: "application/json" }));
  const anyForm = fc
    .dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 6 })
    .map((d) => ({ body: new URLSearchParams(d).toString(), contentType: FORM }));
  const anyText = fc
    .string({ maxLength: 2_000, unit: "binary" })
    .map((s) => ({ body: s, contentType: "text/plain" }));
  return fc.oneof(
    { arbitrary: slash, weight: 4 },
    { arbitrary: click, weight: 4 },
    { arbitrary: anyPayload, weight: 2 },
    { arbitrary: anyJson, weight: 1 },
    { arbitrary: anyForm, weight: 1 },
    { arbitrary: anyText, weight: 1 },
  );
}

function requests(live: string): fc.Arbitrary<Req> {
  const header = fc.tuple(
    fc.oneof(
      fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
      fc.constantFrom(
        "content-type",
        "x-slack-signature",
        "x-slack-request-timestamp",
        "x-slack-retry-num",
        "accept",
      ),
    ),
    fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
  );
  const path = fc.oneof(
    fc.constantFrom(
      "/slack/events",
      "/slack/events?x=1",
      "/healthz",
      "/readyz",
      "/metrics",
      "/",
      "/slack",
      "/slack/events/",
    ),
    fc.stringMatching(/^\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]{0,40}$/),
  );
  const method = fc.constantFrom(
    "POST",
    "POST",
    "POST",
    "GET",
    "HEAD",
    "PUT",
    "DELETE",
    "PATCH",
    "OPTIONS",
    "TRACE",
    "PURGE",
    "FOO",
  );
  const unsigned = fc
    .record({
      method,
      path,
      headers: fc.array(header, { maxLength: 5 }).map((hs) => Object.fromEntries(hs)),
      body: fc.option(fc.string({ maxLength: 2_000 }), { nil: undefined }),
    })
    .map((r) => (r.method === "HEAD" || r.method === "GET" ? { ...r, body: undefined } : r));
  const signed = fc
    .record({
      b: signedBodies(live),
      age: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, fc.constantFrom(301, -400, 100_000)),
      badSignature: fc.nat(9).map((n) => n === 0),
      retry: fc.option(fc.nat(3), { nil: undefined }),
      path: fc.oneof(
        { arbitrary: fc.constant("/slack/events"), weight: 8 },
        fc.constantFrom("/slack/events?foo=bar", "/healthz"),
      ),
      extra: fc.array(header, { maxLength: 2 }).map((hs) => Object.fromEntries(hs)),
    })
    .map(({ b, age, badSignature, retry, path: p, extra }) => {
      const s = w.client.sign(b.body, b.contentType, {
        ageSeconds: age,
        badSignature,
        ...(retry !== undefined ? { retryNum: retry } : {}),
      });
      return { method: "POST", path: p, headers: { ...extra, ...s.headers }, body: s.body };
    });
  return fc.oneof({ arbitrary: unsigned, weight: 1 }, { arbitrary: signed, weight: 2 });
}

describe("the bot's port under random requests", () => {
  it(
    `answers ${RUNS} random requests in time, never with a 5xx, and still works afterwards`,
    async () => {
      // A migration waiting at its gate, so that forged and foreign clicks meet a real record.
      const live = await startedBy(ALICE, "production");
      await waitForGate(w.engine, live, "gate-cutover");
      const before = (await w.engine.store.get(live))!;
      const origin = w.client.requestUrl.replace(/\/slack\/events$/, "");
      const client = new Client(origin, { keepAliveTimeout: 30_000, pipelining: 1 });
      const statuses = new Map<number, number>();
      try {
        await fc.assert(
          fc.asyncProperty(requests(live), async (r) => {
            const res = await client.request({
              method: r.method,
              path: r.path,
              headers: r.headers,
              ...(r.body !== undefined ? { body: r.body } : {}),
              signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
            });
            await res.body.dump();
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            expect(res.statusCode).toBeLessThan(500);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      } finally {
        await client.close();
      }
      expect(unhandled).toEqual([]);
      // A real spread of answers, not one kind of refusal for everything.
      for (const s of [200, 400, 401, 404, 405])
        expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
      // Nobody without permission changed anything.
      const after = (await w.engine.store.get(live))!;
      expect([after.status, after.approvals, after.rollback]).toEqual([before.status, [], before.rollback]);
      const health = await fetch(`${origin}/healthz`);
      expect(health.status).toBe(200);
      const res = await w.client.slashCommand({ userId: PAT, text: "approve production" });
      expect(res.status).toBe(200);
      expect(await ephemeralFor(w, PAT, new RegExp(`Approved\\. ${live} continues`), 20_000)).toBeTruthy();
      await waitForGate(w.engine, live, "gate-decommission");
    },
    30 * 60_000,
  );
});
