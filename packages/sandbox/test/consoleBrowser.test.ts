// The console in a real browser (Debian's Chromium through playwright-core, never a download): a person
// types /migrate, is refused as the starter, a second person approves, the checklist and the world panel
// follow; then the on-call engineer rolls back from a phone and the panel shows the world back at start.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import pino from "pino";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleServer, startConsoleServer } from "../src/console/server.js";
import { REHEARSAL_ESTATE } from "../src/rehearse/rehearse.js";
import { type Session, startSession } from "../src/session.js";

const ARTIFACTS = join(import.meta.dirname, "../../../test-artifacts/sandbox-console");
const LONG = { timeout: 90_000 };

let session: Session;
let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const start = () =>
    startSession({
      strategy: "weighted",
      logger: pino({ level: "silent" }),
      estate: REHEARSAL_ESTATE,
      minUpdateIntervalMs: 200,
    });
  session = await start();
  server = await startConsoleServer(session, { restart: start });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--no-first-run",
      "--metrics-recording-only",
      "--disable-dev-shm-usage",
    ],
  });
}, 60_000);

// On failure, what each page showed is the first thing to look at.
const pages: Page[] = [];
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== "fail") return;
  for (const [i, p] of pages.entries())
    await p.screenshot({ path: join(ARTIFACTS, `failure-${i}.png`), fullPage: true }).catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await server?.session().close();
});

const liveMessage = (page: Page) => page.locator("#messages article.msg:not(.ephemeral)").last();
const ephemeral = (page: Page, text: RegExp) =>
  page.locator("#messages article.ephemeral", { hasText: text });

/** Waits (generously: a busy 2-core machine) until the locator is visible. */
const visible = (l: Locator) => l.waitFor({ state: "visible", timeout: 90_000 });

async function act(page: Page, user: string) {
  await page.selectOption("#user-switcher", user);
}

const IN_PAGE_RENDER = `async (texts) => {
  const { renderMrkdwn } = await import("/mrkdwn.js");
  const allowed = new Set(["DIV", "STRONG", "EM", "S", "CODE", "PRE", "BLOCKQUOTE", "BR", "SPAN", "A"]);
  const bad = [];
  for (const t of texts) {
    const box = document.createElement("div");
    renderMrkdwn(t, { users: {}, groups: {} }, box);
    for (const e of box.querySelectorAll("*")) {
      if (!allowed.has(e.tagName)) bad.push(t + " -> <" + e.tagName + ">");
      for (const a of e.getAttributeNames())
        if (a !== "class" && !(e.tagName === "A" && ["href", "rel", "target"].includes(a))) bad.push(t + " -> @" + a);
      if (e.tagName === "A" && !/^(https?:|mailto:)/.test(e.getAttribute("href") || "")) bad.push(t + " -> href");
    }
  }
  const escaped = document.createElement("div");
  renderMrkdwn("&lt;!channel&gt; &lt;img src=x&gt;", {}, escaped);
  return { bad, escaped: escaped.textContent };
}`;

describe("the sandbox console in Chromium", () => {
  it("start, four-eyes refusal, approval by another person, checklist and world panel follow; rollback from a phone", async () => {
    const desk = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    pages.push(desk);
    const pageErrors: string[] = [];
    desk.on("pageerror", (e) => pageErrors.push(e.message));
    await desk.goto(server.url);
    await expect.poll(() => desk.locator("#invariant").getAttribute("data-ok"), LONG).toBe("true");
    await expect
      .poll(() => desk.locator('.dns-name[data-name="www.example.com"]').getAttribute("data-points"))
      .toBe("old");

    // Fault toggles reach the hosts and come back to the panel.
    await desk.locator('[data-fault="kube-slow"]').click();
    await expect
      .poll(() => desk.locator('[data-fault="kube-slow"]').getAttribute("aria-pressed"), LONG)
      .toBe("true");
    expect(session.world.new.faults.latencyMs).toBeGreaterThan(0);
    await desk.locator('[data-fault="kube-slow"]').click();
    await expect
      .poll(() => desk.locator('[data-fault="kube-slow"]').getAttribute("aria-pressed"), LONG)
      .toBe("false");
    expect(session.world.new.faults.latencyMs).toBe(0);

    // Typed text is shown as text, never as markup: an outsider's hostile command.
    await act(desk, "mallory");
    await desk.fill("#composer-input", "/migrate start <img src=x onerror=alert(1)> &lt;!channel&gt;");
    await desk.press("#composer-input", "Enter");
    await visible(ephemeral(desk, /not allowed|unknown environment/i).first());
    expect(await desk.locator("#messages img").count()).toBe(0);

    await act(desk, "alice");
    await desk.fill("#composer-input", "/migrate start production");
    await desk.press("#composer-input", "Enter");
    await visible(ephemeral(desk, /Started/));
    const approve = liveMessage(desk).getByRole("button", { name: /Approve cutover/ });
    await visible(approve);

    // The starter may not approve her own cutover.
    await approve.click();
    await visible(ephemeral(desk, /four-eyes/i));

    // bob sees none of alice's ephemerals, and his approval moves the run on.
    await act(desk, "bob");
    expect(await ephemeral(desk, /four-eyes/i).count()).toBe(0);
    await liveMessage(desk)
      .getByRole("button", { name: /Approve cutover/ })
      .click();
    // A worker killed from the panel mid-run (SIGKILL): it comes back, and the run carries on.
    await desk.locator('[data-fault="worker-kill"]:not([disabled])').click();
    await visible(
      desk.locator(".fault-status", { hasText: /worker: (killed|starting|running) \(killed 1×\)/ }),
    );
    expect(session.world.workers?.kills).toBe(1);
    await visible(liveMessage(desk).filter({ hasText: /✅ Hand off duplication-forbidden jobs/ }));
    await visible(desk.locator(".fault-status", { hasText: "worker: running (killed 1×)" }));
    await expect
      .poll(
        () => desk.locator('tr[data-key="ops/ledger-close"] td.cj').nth(1).getAttribute("data-suspended"),
        LONG,
      )
      .toBe("false");
    expect(
      await desk.locator('tr[data-key="ops/ledger-close"] td.cj').first().getAttribute("data-suspended"),
    ).toBe("true");
    await expect
      .poll(() => desk.locator('.dns-name[data-name="www.example.com"]').getAttribute("data-points"), LONG)
      .toBe("new");
    await visible(liveMessage(desk).getByRole("button", { name: /Approve decommission/ }));
    // The thread holds the details; it opens beside the channel.
    await liveMessage(desk).locator("button.thread-link").click();
    await visible(desk.locator("#thread-messages article.msg").nth(1));
    await desk.screenshot({ path: join(ARTIFACTS, "desktop-decommission-gate.png") });

    // carol, on call, rolls back from her phone, through the confirm dialog.
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    pages.push(phone);
    phone.on("pageerror", (e) => pageErrors.push(e.message));
    await phone.goto(`${server.url}?as=carol`);
    const rollback = liveMessage(phone).getByRole("button", { name: /Roll back/ });
    await visible(rollback);
    // The live message may be redrawn between two reads (a redraw replaces its element, and a detached
    // element has no box): ask again until a drawn one answers.
    const rightEdge = async () => {
      const box = await rollback.boundingBox();
      return box ? box.x + box.width : Number.POSITIVE_INFINITY;
    };
    await expect.poll(rightEdge, LONG).toBeLessThanOrEqual(390);
    await rollback.tap();
    await visible(phone.locator("#confirm"));
    await phone.screenshot({ path: join(ARTIFACTS, "phone-confirm-rollback.png") });
    await phone.locator("#confirm-ok").tap();
    await phone.getByRole("button", { name: "World" }).tap();
    await visible(phone.locator("#world"));
    await expect
      .poll(() => phone.locator(".migration-status").getAttribute("data-status"), LONG)
      .toBe("rolled-back");
    await expect
      .poll(() => phone.locator(".migration-status").getAttribute("data-back-at-start"), LONG)
      .toBe("true");
    expect(await phone.locator('.dns-name[data-name="www.example.com"]').getAttribute("data-points")).toBe(
      "old",
    );
    expect(await phone.locator("#invariant").getAttribute("data-ok")).toBe("true");
    await phone.screenshot({ path: join(ARTIFACTS, "phone-world-after-rollback.png"), fullPage: true });
    await desk.screenshot({ path: join(ARTIFACTS, "desktop-rolled-back.png") });
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it("message text is only ever text: hostile mrkdwn renders to text nodes and a few inline elements", async () => {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(server.url);
    const hostile = [
      "<img src=x onerror=alert(1)>",
      "&lt;script&gt;alert(1)&lt;/script&gt;",
      "<javascript:alert(1)|click me>",
      "<https://example.com|<b>bold</b>>",
      "&lt;!channel&gt; *<svg onload=alert(1)>* _<iframe>_ `<style>`",
      "```<div>block</div>```",
      ...fc.sample(
        fc.string({
          unit: fc.constantFrom(
            "<",
            ">",
            "&",
            "lt;",
            "*",
            "_",
            "`",
            "|",
            "!",
            "@",
            "a",
            " ",
            "\n",
            ":x:",
            "img",
            "http:",
          ),
          maxLength: 40,
        }),
        200,
      ),
    ];
    // Runs in the page, given as source text so the test's transform leaves its dynamic import alone.
    const report = (await page.evaluate(`(${IN_PAGE_RENDER})(${JSON.stringify(hostile)})`)) as {
      bad: string[];
      escaped: string;
    };
    expect(report.bad).toEqual([]);
    expect(report.escaped).toBe("<!channel> <img src=x>");
  }, 60_000);

  it("the console's HTTP API answers hostile input with a specific 4xx and stays up", async () => {
    const post = async (path: string, body: string, type = "application/json") => {
      const res = await fetch(new URL(path, server.url), {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    expect((await post("/api/command", "user=alice", "application/x-www-form-urlencoded")).status).toBe(415);
    expect(await post("/api/command", "{not json")).toEqual({
      status: 400,
      body: { error: "body must be JSON" },
    });
    expect(
      (await post("/api/command", JSON.stringify({ user: "alice", text: "x".repeat(20_000) }))).status,
    ).toBe(400);
    const eve = await post("/api/command", JSON.stringify({ user: "eve", text: "/migrate help" }));
    expect(eve.status).toBe(400);
    expect(eve.body.error).toMatch(/^user: .*alice/);
    const stale = await post(
      "/api/click",
      JSON.stringify({ user: "bob", ts: "1.000001", actionId: "approve" }),
    );
    expect(stale).toEqual({ status: 400, body: { error: "no message 1.000001 in the channel" } });
    const onYes = await post("/api/fault", JSON.stringify({ name: "kube-slow", on: "yes" }));
    expect(onYes.status).toBe(400);
    expect(onYes.body.error).toMatch(/^on: .*boolean/);
    expect((await post("/api/fault", JSON.stringify({ name: "dns-down" }))).status).toBe(400);
    for (const path of ["/nope", "/../../etc/passwd", "/%2e%2e/package.json", "/api/state/../../x"])
      expect((await fetch(new URL(path, server.url))).status, path).toBe(404);

    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        for (const path of ["/api/command", "/api/click", "/api/fault"]) {
          const r = await post(path, JSON.stringify(v));
          expect(r.status, `${path} ${JSON.stringify(v)}`).toBe(400);
          expect(r.body.error?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 40 },
    );
    expect((await fetch(server.url)).status).toBe(200);
  }, 60_000);

  it("the invariant light turns red the moment a forbidden CronJob is active on both clusters", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    pages.push(page);
    await page.goto(server.url);
    await expect.poll(() => page.locator("#invariant").getAttribute("data-ok"), LONG).toBe("true");
    // Someone unsuspends the new cluster's copy by hand while the old one still runs (a GitOps sync, say).
    const cj = session.world.new.objects.get("batch/v1", "CronJob", "ledger-close", "ops");
    expect(cj).toBeDefined();
    session.world.new.objects.put({ ...cj!, spec: { ...(cj!.spec as object), suspend: false } });
    await expect.poll(() => page.locator("#invariant").getAttribute("data-ok"), LONG).toBe("false");
    await visible(
      page.locator("#invariant .violation", {
        hasText: "forbidden CronJob ops/ledger-close active on both clusters",
      }),
    );
    // (and, within a schedule or two, the same run on both: the watch reports that as well)
    expect(session.invariants.violations).toEqual(
      expect.arrayContaining([expect.stringMatching(/CronJob ops\/ledger-close active on both clusters$/)]),
    );
    await page.screenshot({ path: join(ARTIFACTS, "desktop-invariant-broken.png") });
  }, 60_000);

  it("Start over builds a fresh world: no messages, DNS at the old cluster, the light green again", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    pages.push(page);
    await page.goto(server.url);
    await expect.poll(() => page.locator("#invariant").getAttribute("data-ok"), LONG).toBe("false");
    await page.locator("#reset-world").click();
    await visible(page.locator("#confirm"));
    await page.locator("#confirm-ok").click();
    await expect.poll(() => page.locator("#invariant").getAttribute("data-ok"), LONG).toBe("true");
    await expect.poll(() => page.locator(".migration-status").getAttribute("data-status"), LONG).toBe("none");
    expect(await page.locator("#messages article.msg").count()).toBe(0);
    expect(await page.locator('.dns-name[data-name="www.example.com"]').getAttribute("data-points")).toBe(
      "old",
    );
    expect(server.session()).not.toBe(session);
  }, 90_000);
});
