/**
 * Regenerates docs/screenshot.png: three people on one board, drawing with the
 * mouse and keyboard through the real UI (rectangles, arrows and text from the
 * tools, freehand ink, one person mid-stroke so live ink and cursors show).
 *
 *   npm run build && npx tsx test/e2e/readme-screenshot.ts
 */
import type { Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.js";
import { startServer } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

type Pt = [number, number];

const OUT = process.argv[2] ?? "docs/screenshot.png";
const VIEW = { width: 1280, height: 800 };

/** A little hand tremor so shapes look drawn, not plotted. */
function wobble(points: Pt[], amount = 1.2, seed = 1): Pt[] {
  return points.map(([x, y], i) => [x + Math.sin(i * 1.7 + seed) * amount, y + Math.cos(i * 1.3 + seed) * amount]);
}

function line(from: Pt, to: Pt, steps = 8): Pt[] {
  return Array.from({ length: steps + 1 }, (_, i) => [from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps]);
}

function circle(cx: number, cy: number, r: number, turns = 1.04): Pt[] {
  const pts: Pt[] = [];
  for (let a = -Math.PI / 2; a <= -Math.PI / 2 + Math.PI * 2 * turns; a += 0.15) pts.push([cx + Math.cos(a) * r, cy + Math.sin(a) * r]);
  return pts;
}

function heart(cx: number, cy: number, s: number): Pt[] {
  const pts: Pt[] = [];
  for (let t = 0; t <= Math.PI * 2 + 0.05; t += 0.12) {
    const x = 16 * Math.sin(t) ** 3;
    const y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
    pts.push([cx + x * s, cy - y * s]);
  }
  return pts;
}

function star(cx: number, cy: number, r: number): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i <= 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    pts.push([cx + Math.cos(a) * rr, cy + Math.sin(a) * rr]);
  }
  return pts;
}

function spiral(cx: number, cy: number, r: number, turns: number): Pt[] {
  const pts: Pt[] = [];
  for (let a = 0; a <= Math.PI * 2 * turns; a += 0.2) {
    const rr = (r * a) / (Math.PI * 2 * turns);
    pts.push([cx + Math.cos(a) * rr, cy + Math.sin(a) * rr]);
  }
  return pts;
}

function wave(x0: number, x1: number, y: number, amp: number, period: number): Pt[] {
  const pts: Pt[] = [];
  for (let x = x0; x <= x1; x += 12) pts.push([x, y + Math.sin(((x - x0) / period) * Math.PI * 2) * amp]);
  return pts;
}

async function pick(page: Page, color: string, width: string): Promise<void> {
  await page.getByRole("button", { name: color, exact: true }).click();
  await page.getByRole("button", { name: new RegExp(`^${width} \\(`) }).click();
}

async function dragShape(page: Page, key: string, from: Pt, to: Pt): Promise<void> {
  await page.keyboard.press(key);
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps: 6 });
  await page.mouse.up();
}

async function typeText(page: Page, at: Pt, text: string): Promise<void> {
  await page.keyboard.press("t");
  await page.mouse.click(...at);
  await page.keyboard.type(text);
  await page.keyboard.press("Escape");
}

async function draw(page: Page, pts: Pt[], { release = true } = {}): Promise<void> {
  await page.mouse.move(...pts[0]);
  await page.mouse.down();
  for (const p of pts.slice(1)) await page.mouse.move(...p, { steps: 2 });
  if (release) await page.mouse.up();
}

const server = await startServer({ nodeId: "node-1" });
const browser = await launchBrowser();
try {
  const board = "welcome";
  const join = async (name: string) => {
    const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 2 });
    await context.addInitScript((n) => localStorage.setItem("meshboard:name", n), name);
    const page = await context.newPage();
    await page.goto(`${server.url}/b/${board}`);
    await waitFor(() => page.evaluate(() => window.__meshboard?.status() === "connected"), { what: `${name} connected` });
    return page;
  };
  const ada = await join("Ada");
  const linus = await join("Linus");
  const grace = await join("Grace");

  // Ada: a three-step diagram, with the shape and text tools.
  const boxes: [number, string, string][] = [
    [330, "Blue", "Sketch"],
    [640, "Green", "Share"],
    [950, "Purple", "Ship it"],
  ];
  for (const [cx, color, label] of boxes) {
    await pick(ada, color, "Medium");
    await dragShape(ada, "r", [cx - 105, 270], [cx + 105, 390]);
    await pick(ada, "Black", "Medium");
    await typeText(ada, [cx - label.length * 7.5, 330], label);
  }
  await pick(ada, "Black", "Medium");
  for (const x of [435, 745]) await dragShape(ada, "a", [x + 14, 330], [x + 88, 330]);
  await ada.keyboard.press("p");
  await pick(ada, "Orange", "Bold");
  await draw(ada, wave(230, 1050, 430, 7, 110));

  // Linus: a sun and a star.
  await pick(linus, "Yellow", "Marker");
  await draw(linus, wobble(circle(1110, 160, 34), 0.8, 3));
  await pick(linus, "Orange", "Medium");
  for (let i = 0; i < 8; i++) {
    const a = (i * Math.PI) / 4;
    await draw(linus, line([1110 + Math.cos(a) * 54, 160 + Math.sin(a) * 54], [1110 + Math.cos(a) * 72, 160 + Math.sin(a) * 72], 3));
  }
  await pick(linus, "Blue", "Bold");
  await draw(linus, wobble(star(330, 580, 62), 1, 9));

  // Grace: a heart, and a spiral she is still drawing when the picture is taken.
  await pick(grace, "Red", "Bold");
  await draw(grace, wobble(heart(640, 585, 4.2), 0.8, 5));
  await pick(grace, "Purple", "Bold");
  await draw(grace, spiral(950, 585, 70, 2.6), { release: false });
  await linus.mouse.move(470, 520);

  for (const page of [ada, linus, grace]) {
    await waitFor(() => page.evaluate(() => window.__meshboard?.pending() === 0), { what: "everything acknowledged" });
  }
  await ada.mouse.move(200, 690);
  await ada.mouse.move(1300, 900); // off the view: Ada's own pointer is not in the picture
  await waitFor(() => ada.evaluate(() => document.querySelectorAll(".peer-cursor:not([hidden])").length === 2), {
    what: "both peers' cursors on Ada's screen",
  });
  await ada.evaluate(() => document.fonts.ready);
  await new Promise((r) => setTimeout(r, 300)); // let the cursors' CSS transition settle
  await ada.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
