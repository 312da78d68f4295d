// Regenerates the README's picture of the console: the demo world at the decommission gate, the thread
// open, in Debian's Chromium. `npx tsx packages/sandbox/src/console/screenshot.ts docs/img/console.png`
// (then `pngquant` it to keep the repository small).
import pino from "pino";
import { chromium } from "playwright-core";
import { startSession } from "../session.js";
import { SANDBOX_USERS } from "../world.js";
import { startConsoleServer } from "./server.js";

const out = process.argv[2] ?? "console.png";
const session = await startSession({ logger: pino({ level: "silent" }), minUpdateIntervalMs: 200 });
const server = await startConsoleServer(session);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const { driver } = session;
  await driver.command(SANDBOX_USERS.alice, "start production");
  await driver.click(SANDBOX_USERS.alice, await driver.waitForButton(/approve cutover/i));
  await driver.click(SANDBOX_USERS.bob, await driver.waitForButton(/approve cutover/i));
  await driver.waitForButton(/approve decommission/i, 180_000);
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${server.url}?as=alice`);
  await page.locator("button.thread-link").last().click();
  await page.locator("#thread-messages article.msg").nth(1).waitFor();
  await page.waitForTimeout(1500); // let the last coalesced update land
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await server.close();
  await session.close();
}
process.exit(0);
