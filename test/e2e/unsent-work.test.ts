/**
 * Work made in the browser that has not reached the server is shown and never
 * lost (issue 12): a closed offline tab's stroke is sent by the next page at
 * once, a live tab adopts a closed tab's work, and a reload in the middle of a
 * rate-limited flood loses nothing. Real Chromium, a real node, a real
 * Socket.IO watcher; the badge is read as a person reads it.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawStroke, hook, launchBrowser } from "../helpers/browser.js";
import { connect, ClientPool } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const ARTIFACTS = "test-artifacts";
const DESKTOP = { width: 1000, height: 700 };
const PHONE = { width: 390, height: 780 };
/** Slow enough that a flood of strokes outpaces it however slowly the machine draws: 1 op a second, bursts of 4. */
const FLOOD_RATE = "1/4";

let server: ServerProcess;
let browser: Browser;
const pool = new ClientPool();
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, browser] = await Promise.all([startServer({ env: { RATE_OP: FLOOD_RATE } }), launchBrowser()]);
});

afterAll(async () => {
  pool.closeAll();
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

async function person(viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context;
}

/** A tab on the board; page errors are collected, not just logged. */
async function open(context: BrowserContext, board: string, errors: string[] = []): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(`${server.url}/b/${board}`);
  return page;
}

async function connected(page: Page): Promise<void> {
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
}

/** Cuts one tab off the network (as the browser's offline mode does for a page). */
async function cutOff(page: Page, offline = true): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

const badgeText = (page: Page) => page.locator("#connection-text").textContent();

const board = (name: string) => `${name}-${Date.now().toString(36)}`;

describe("unsent work", () => {
  it("an offline tab's stroke, closed and reopened, reaches the server at once without a page error", async () => {
    const id = board("offline-close");
    const watcher = pool.add(await connect(server.url, id))[0];
    const context = await person();
    const errors: string[] = [];
    const first = await open(context, id, errors);
    await connected(first);

    await context.setOffline(true);
    await waitFor(async () => (await hook(first, "status")) === "offline", { what: "badge offline" });
    await drawStroke(first, [
      [300, 300],
      [500, 340],
      [650, 380],
    ]);
    // The person sees the work is waiting, and how much.
    await waitFor(async () => (await badgeText(first)) === "Offline · 1 unsent", { what: "badge counts the unsent stroke" });
    await first.screenshot({ path: `${ARTIFACTS}/badge-offline-unsent.png` });
    await first.close();
    await context.setOffline(false);
    expect(watcher.model.items.size).toBe(0);

    // Reopened in a new tab of the same browser: no lease to wait out (the closed
    // tab's Web Lock went with it), the record is adopted as the page starts.
    const reopened = Date.now();
    const second = await open(context, id, errors);
    // No lease to wait past: the page detects live tabs with Web Locks.
    expect(await second.evaluate(() => "locks" in navigator)).toBe(true);
    await waitFor(() => watcher.model.items.size === 1, { timeoutMs: 5_000, what: "the stroke on the server within 5 s of reopening" });
    expect(Date.now() - reopened).toBeLessThan(5_000);
    await connected(second);
    await waitFor(async () => (await hook(second, "pending")) === 0, { what: "outbox empty" });
    expect(await hook(second, "itemCount")).toBe(1);
    expect(errors).toEqual([]);
  });

  it("a live tab adopts the work of another tab of the same browser when that tab closes", async () => {
    const id = board("two-tabs");
    const watcher = pool.add(await connect(server.url, id))[0];
    const context = await person();
    const errors: string[] = [];
    const [stays, leaves] = [await open(context, id, errors), await open(context, id, errors)];
    await Promise.all([connected(stays), connected(leaves)]);

    await cutOff(leaves);
    await leaves.bringToFront();
    await drawStroke(leaves, [
      [300, 300],
      [500, 340],
    ]);
    await waitFor(async () => (await hook(leaves, "pending")) === 1, { what: "stroke waiting in the offline tab" });
    // A beat for the drawing tab's socket to notice it is cut off is not needed: the ack never comes.
    expect(watcher.model.items.size).toBe(0);
    const closed = Date.now();
    await leaves.close();
    await waitFor(() => watcher.model.items.size === 1, { timeoutMs: 2_000, what: "the other tab sends the stroke within 2 s" });
    expect(Date.now() - closed).toBeLessThan(2_000);
    await waitFor(async () => (await hook(stays, "pending")) === 0, { what: "adopted work confirmed" });
    await expect(stays.locator(".toast", { hasText: "Recovered 1 unsent change from a closed tab." }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
  });

  it("a reload in the middle of a rate-limited flood loses nothing, and the badge shows the backlog draining", async () => {
    const id = board("flood-reload");
    const watcher = pool.add(await connect(server.url, id))[0];
    const context = await person();
    const errors: string[] = [];
    const page = await open(context, id, errors);
    await connected(page);

    const strokes = 20;
    for (let i = 0; i < strokes; i++) {
      const y = 150 + (i % 10) * 40;
      const x = i < 10 ? 200 : 550;
      await drawStroke(page, [
        [x, y],
        [x + 150, y + 10],
      ]);
    }
    await waitFor(async () => /^Rate-limited · \d+ unsent$/.test((await badgeText(page)) ?? ""), { what: "badge says the backlog is rate-limited", intervalMs: 10 });
    await page.screenshot({ path: `${ARTIFACTS}/badge-rate-limited.png` });
    const before = (await hook(page, "outbox")).unsent;
    expect(before).toBeGreaterThan(0);
    expect(watcher.model.items.size).toBeLessThan(strokes);

    await page.reload();
    // The reloaded page shows the backlog, and shows it shrinking.
    const counts: number[] = [];
    await waitFor(
      async () => {
        const m = /· (\d+) unsent$/.exec((await badgeText(page)) ?? "");
        if (m && Number(m[1]) !== counts.at(-1)) counts.push(Number(m[1]));
        return watcher.model.items.size === strokes;
      },
      { timeoutMs: 90_000, intervalMs: 50, what: `all ${strokes} strokes on the server (has ${watcher.model.items.size})` },
    );
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    await waitFor(async () => (await hook(page, "pending")) === 0 && (await hook(page, "itemCount")) === strokes, { what: "reloaded page settled" });
    expect(await badgeText(page)).toMatch(/^Connected/);
    expect(errors).toEqual([]);
  });

  it("shows unsent work on a phone too", async () => {
    const id = board("phone");
    const context = await person(PHONE);
    const page = await open(context, id);
    await connected(page);
    await context.setOffline(true);
    await waitFor(async () => (await hook(page, "status")) === "offline", { what: "badge offline" });
    await drawStroke(page, [
      [100, 400],
      [250, 450],
    ]);
    await waitFor(async () => (await badgeText(page)) === "Offline · 1 unsent", { what: "phone badge counts the stroke" });
    expect(await page.locator("#connection-text").isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/badge-offline-unsent-phone.png` });
    await context.setOffline(false);
    await waitFor(async () => (await hook(page, "pending")) === 0, { what: "sent once back online" });
  });
  it("when the browser cannot store unsent work, the page says so and asks before the tab closes", async () => {
    const id = board("storage-refused");
    const watcher = pool.add(await connect(server.url, id))[0];
    const context = await person();
    // This browser's storage is full: the outbox's record cannot be written.
    await context.addInitScript(() => {
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key.startsWith("meshboard:outbox:")) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        setItem.call(this, key, value);
      };
    });
    const errors: string[] = [];
    const page = await open(context, id, errors);
    await connected(page);
    const notice = page.locator(".notice-banner", { hasText: "could not keep a copy of your unsent changes" });

    await context.setOffline(true);
    await waitFor(async () => (await hook(page, "status")) === "offline", { what: "badge offline" });
    await drawStroke(page, [
      [300, 300],
      [500, 340],
    ]);
    await notice.waitFor();
    // Closing asks first; the person stays.
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await waitFor(() => dialogs.length > 0, { what: "the browser asking before the tab closes" });
    expect(dialogs).toEqual(["beforeunload"]);
    expect(page.isClosed()).toBe(false);

    // Back online: the stroke reaches the server, the notice goes, and closing asks nothing.
    await context.setOffline(false);
    await waitFor(() => watcher.model.items.size === 1, { what: "the stroke on the server" });
    await notice.waitFor({ state: "hidden" });
    await page.close({ runBeforeUnload: true });
    await waitFor(() => page.isClosed(), { what: "the tab closed" });
    expect(dialogs).toEqual(["beforeunload"]);
    expect(errors).toEqual([]);
  });
});
