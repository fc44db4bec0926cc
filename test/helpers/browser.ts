/**
 * Launches Debian's Chromium through playwright-core for browser tests: one
 * browser per test file, one context per simulated person.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import type { MeshboardTestHook } from "../../src/client/test-hook.js";
import { waitFor } from "./wait.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Reads one fact from the page's `window.__meshboard` test hook. */
export async function hook<K extends keyof MeshboardTestHook>(page: Page, key: K): Promise<ReturnType<MeshboardTestHook[K]>> {
  const value: unknown = await page.evaluate((k) => {
    const h = window.__meshboard;
    if (!h) throw new Error("window.__meshboard is not installed");
    return h[k]();
  }, key);
  return value as ReturnType<MeshboardTestHook[K]>;
}

/** Drags the mouse through the points (pen down at the first). */
export async function drawStroke(page: Page, points: [number, number][], { release = true } = {}): Promise<void> {
  await page.mouse.move(...points[0]);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...p, { steps: 8 });
  if (release) await page.mouse.up();
}

/** Highest alpha in a 5x5 device-pixel patch around each CSS point of a canvas layer. */
export function inkAt(page: Page, layer: "scene" | "ink", points: [number, number][]): Promise<number[]> {
  return page.evaluate(
    ({ layer, points }) => {
      const canvas = document.getElementById(layer) as HTMLCanvasElement;
      const ctx = canvas.getContext("2d")!;
      const dpr = canvas.width / canvas.clientWidth;
      return points.map(([x, y]) => {
        const d = ctx.getImageData(Math.round(x * dpr) - 2, Math.round(y * dpr) - 2, 5, 5).data;
        let max = 0;
        for (let i = 3; i < d.length; i += 4) max = Math.max(max, d[i]);
        return max;
      });
    },
    { layer, points },
  );
}

/** A new person (own context) on the board, once the page says it is connected. */
export async function openBoardPage(browser: Browser, serverUrl: string, boardId: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  await page.goto(`${serverUrl}/b/${boardId}`);
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
  return page;
}

/** Presses at `from`, moves to `to` in `steps`, releases. */
export async function drag(page: Page, from: [number, number], to: [number, number], steps = 6): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps });
  await page.mouse.up();
}
