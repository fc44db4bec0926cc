/**
 * Launches Debian's Chromium through playwright-core for browser tests: one
 * browser per test file, one context per simulated person.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import type { MeshboardTestHook } from "../../src/client/test-hook.js";

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
