/**
 * Screenshots of the page at phone, phone sideways, tablet and desktop sizes, with
 * the popovers open, to look at the layout as a person would. With `--docs` it
 * (re)writes docs/screenshots/tablet.png and phone.png for the README.
 *
 *   npm run build && npx tsx test/e2e/layout-screenshots.ts [out-dir] [--docs]
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { connect, shapeOp, strokeOp, textOp } from "../helpers/board-client.js";
import { launchBrowser } from "../helpers/browser.js";
import { startServer } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const args = process.argv.slice(2);
const docs = args.includes("--docs");
const OUT = args.find((a) => !a.startsWith("--")) ?? "/tmp/meshboard-layout";
mkdirSync(OUT, { recursive: true });

const SIZES: Record<string, { width: number; height: number }> = {
  phone: { width: 390, height: 844 },
  "phone-small": { width: 320, height: 568 },
  "phone-sideways": { width: 844, height: 390 },
  tablet: { width: 768, height: 1024 },
  "tablet-sideways": { width: 1024, height: 768 },
  window: { width: 900, height: 800 },
  desktop: { width: 1280, height: 800 },
};

function wave(x0: number, x1: number, y: number, amp: number): number[] {
  const pts: number[] = [];
  for (let x = x0; x <= x1; x += 10) pts.push(x, Math.round(y + Math.sin((x - x0) / 30) * amp));
  return pts;
}

const server = await startServer({ nodeId: "node-1" });
const browser = await launchBrowser();
try {
  const board = "layout";
  const client = await connect(server.url, board, { name: "Linus" });
  await client.ready();
  for (const op of [
    shapeOp("rect", [40, 150, 200, 250], "#1c7ed6"),
    textOp("Plan", 80, 210, "#1e1e24"),
    shapeOp("arrow", [210, 200, 290, 200], "#1e1e24"),
    shapeOp("ellipse", [300, 150, 460, 250], "#2f9e44"),
    strokeOp(wave(40, 460, 320, 14), "#e8590c"),
  ]) {
    await client.submit(op);
  }

  const open = async (size: { width: number; height: number }, scale: number): Promise<Page> => {
    const context = await browser.newContext({ viewport: size, deviceScaleFactor: scale, hasTouch: size.width < 800 });
    await context.addInitScript(() => localStorage.setItem("meshboard:name", "Ada"));
    const page = await context.newPage();
    await page.goto(`${server.url}/b/${board}`);
    await waitFor(() => page.evaluate(() => window.__meshboard?.status() === "connected" && window.__meshboard.itemCount() === 5), {
      what: "page connected with the board",
    });
    await page.evaluate(() => document.fonts.ready);
    return page;
  };

  for (const [name, size] of Object.entries(SIZES)) {
    const page = await open(size, 1);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    if (await page.locator("#more-tools").isVisible()) {
      await page.locator("#more-tools").click();
      await page.screenshot({ path: join(OUT, `${name}-more.png`) });
      await page.keyboard.press("Escape");
    }
    await page.locator("#people-button").click();
    await page.screenshot({ path: join(OUT, `${name}-people.png`) });
    await page.keyboard.press("Escape");
    await page.keyboard.press("?");
    await page.screenshot({ path: join(OUT, `${name}-sheet.png`) });
    await page.keyboard.press("Escape");
    // What a view-only visitor's chrome looks like (the class the page sets for view-only sessions).
    await page.evaluate(() => document.body.classList.add("read-only"));
    await page.screenshot({ path: join(OUT, `${name}-view-only.png`) });
    await page.context().close();
  }
  const empty = await (await browser.newContext({ viewport: SIZES.desktop })).newPage();
  await empty.goto(`${server.url}/b/empty-${Date.now().toString(36)}`);
  await waitFor(() => empty.evaluate(() => window.__meshboard?.status() === "connected"), { what: "empty board connected" });
  await empty.locator("#empty-hint").waitFor({ state: "visible" });
  await new Promise((r) => setTimeout(r, 900)); // the hint fades in
  await empty.screenshot({ path: join(OUT, "empty.png") });
  console.log(`wrote screenshots to ${OUT}`);

  if (docs) {
    mkdirSync("docs/screenshots", { recursive: true });
    for (const name of ["tablet", "phone"] as const) {
      const page = await open(SIZES[name], 1);
      await page.screenshot({ path: `docs/screenshots/${name}.png` });
      await page.context().close();
    }
    console.log("wrote docs/screenshots/tablet.png and phone.png");
  }
  client.socket.close();
} finally {
  await browser.close();
  await server.stop();
}
