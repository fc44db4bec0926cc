/**
 * Real browsers on one real server: what one person draws, everyone sees, live
 * and after the fact; erasing, undo and redo reach everyone; a stroke drawn while
 * the server is unreachable survives a reload and arrives once it is back.
 *
 * Assertions read real canvas pixels and the client's test hook, never timings.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawStroke, hook, inkAt, launchBrowser } from "../helpers/browser.js";
import { connect } from "../helpers/board-client.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const ARTIFACTS = "test-artifacts";
const VIEW = { width: 1000, height: 700 };

/** A gentle diagonal across the middle of the view, away from the toolbar and corners. */
const STROKE: [number, number][] = [
  [300, 300],
  [450, 330],
  [600, 360],
  [700, 380],
];
/** Points on the stroke (between samples too) and a point nowhere near it. */
const ON_STROKE: [number, number][] = [
  [310, 302],
  [450, 330],
  [525, 345],
  [690, 378],
];
const OFF_STROKE: [number, number] = [500, 520];

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Runs in the page before its scripts: while the tab's sessionStorage holds
 * CUT_OFF_KEY (it survives a reload), a WebSocket to /socket.io/ goes to a closed
 * loopback port instead, so it fails at once, as behind a network that drops it.
 */
const CUT_OFF_KEY = "test:socket-cut-off";
function cutOffSwitch(key: string): void {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      const cut = sessionStorage.getItem(key) !== null && String(url).includes("/socket.io/");
      super(cut ? "ws://127.0.0.1:9/" : url, protocols);
    }
  };
}

/** One person: a fresh browser profile (own clientId, own localStorage) on the board. */
async function join(boardId: string, deviceScaleFactor = 1, init?: (key: string) => void): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor });
  if (init) await context.addInitScript(init, CUT_OFF_KEY);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  await page.goto(`${server.url}/b/${boardId}`);
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
  return page;
}

async function showsStroke(page: Page, layer: "scene" | "ink" = "scene"): Promise<boolean> {
  const on = await inkAt(page, layer, ON_STROKE);
  const [off] = await inkAt(page, layer, [OFF_STROKE]);
  return on.every((a) => a > 200) && off === 0;
}

async function isBlank(page: Page): Promise<boolean> {
  const on = await inkAt(page, "scene", ON_STROKE);
  return on.every((a) => a === 0);
}

async function itemCountIs(page: Page, n: number, what: string): Promise<void> {
  await waitFor(async () => (await hook(page, "itemCount")) === n, { what: `${what}: ${n} item(s)` });
}

describe("two people drawing on one board", () => {
  const board = `e2e-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;

  it("shows a stroke to the other person while it is drawn, then for good", async () => {
    [alice, bob] = await Promise.all([join(board, 2), join(board)]);
    expect(await hook(bob, "itemCount")).toBe(0);
    expect(await isBlank(bob)).toBe(true);

    // Pen down, moving, not yet released: Bob sees the wet ink (drafts), nothing committed.
    await drawStroke(alice, STROKE, { release: false });
    await waitFor(() => showsStroke(bob, "ink"), { what: "Bob sees Alice's draft" });
    expect(await hook(bob, "itemCount")).toBe(0);

    await alice.mouse.up();
    await itemCountIs(bob, 1, "Bob after Alice's pen-up");
    await waitFor(() => showsStroke(bob), { what: "Bob's board shows the stroke" });
    await waitFor(async () => (await hook(alice, "pending")) === 0, { what: "Alice's op acknowledged" });
    // Alice's canvas is HiDPI (dpr 2): same board coordinates, twice the pixels.
    await waitFor(() => showsStroke(alice), { what: "Alice's board shows her stroke" });
    expect(await hook(alice, "head")).toBe(await hook(bob, "head"));
    // The draft is gone once the stroke is committed.
    await waitFor(async () => (await inkAt(bob, "ink", ON_STROKE)).every((a) => a === 0), { what: "Bob's draft cleared" });

    await Promise.all([
      alice.screenshot({ path: `${ARTIFACTS}/e2e-alice.png` }),
      bob.screenshot({ path: `${ARTIFACTS}/e2e-bob.png` }),
    ]);
  });

  it("keeps the stroke where it was when the window is resized", async () => {
    await bob.setViewportSize({ width: 800, height: 560 });
    await waitFor(async () => (await bob.evaluate(() => document.getElementById("scene")!.clientWidth)) === 800, {
      what: "canvas resized",
    });
    expect(await showsStroke(bob)).toBe(true);
    await bob.setViewportSize(VIEW);
    await waitFor(() => showsStroke(bob), { what: "stroke after growing back" });
  });

  it("shows the board to someone who joins later", async () => {
    const carol = await join(board);
    await itemCountIs(carol, 1, "Carol on arrival");
    await waitFor(() => showsStroke(carol), { what: "Carol's board shows the stroke" });
    await carol.screenshot({ path: `${ARTIFACTS}/e2e-carol-late-joiner.png` });
    await carol.context().close();
  });

  it("shows who is on the board, following joins, renames and leaves", async () => {
    const people = async (page: Page) => ({ count: await page.textContent("#people-count"), list: (await page.textContent("#people-list")) ?? "" });
    await waitFor(async () => (await people(alice)).count === "2", { what: "Alice counts 2 people (Carol gone)" });
    const dora = await connect(server.url, board, { name: "Dora" });
    try {
      for (const page of [alice, bob]) {
        await waitFor(async () => {
          const p = await people(page);
          return p.count === "3" && p.list.includes("Dora");
        }, { what: "Dora listed" });
      }
      dora.socket.emit("profile", { name: "Dorothy" });
      await waitFor(async () => (await people(alice)).list.includes("Dorothy"), { what: "Dora's rename shown" });
      expect((await people(alice)).count).toBe("3");
    } finally {
      dora.close();
    }
    await waitFor(async () => {
      const p = await people(alice);
      return p.count === "2" && !p.list.includes("Dorothy");
    }, { what: "Dorothy gone" });
  });

  it("erases the stroke for everyone, and undo/redo reach everyone too", async () => {
    await alice.getByRole("button", { name: "Eraser" }).click();
    // Drag across the stroke.
    await drawStroke(alice, [
      [520, 280],
      [530, 420],
    ]);
    await itemCountIs(alice, 0, "Alice after erasing");
    await itemCountIs(bob, 0, "Bob after Alice erased");
    await waitFor(() => isBlank(bob), { what: "Bob's board is blank again" });
    expect(await isBlank(alice)).toBe(true);

    // Bob has nothing of his own to undo: his undo must not bring Alice's stroke back.
    await bob.keyboard.press("Control+z");
    await alice.keyboard.press("Control+z");
    await itemCountIs(bob, 1, "Bob after Alice's undo");
    await waitFor(() => showsStroke(bob), { what: "the stroke is back on Bob's board" });
    expect(await hook(alice, "itemCount")).toBe(1);

    await alice.keyboard.press("Control+Shift+z");
    await itemCountIs(bob, 0, "Bob after Alice's redo");
    await alice.keyboard.press("Control+z");
    await itemCountIs(bob, 1, "Bob after Alice's second undo");
    await waitFor(() => showsStroke(alice), { what: "Alice's board shows the stroke" });
    await bob.screenshot({ path: `${ARTIFACTS}/e2e-bob-after-undo.png` });
  });
});

describe("a stroke drawn while the server is unreachable", () => {
  it("survives a reload and reaches the board when the server is back", async () => {
    const board = `offline-${Date.now().toString(36)}`;
    const page = await join(board, 1, cutOffSwitch);
    // Take the server away and keep Socket.IO from reaching its replacement, over
    // long-polling (routed) and WebSocket (page.route never sees one: cutOffSwitch).
    await page.route("**/socket.io/**", (route) => route.abort());
    await page.evaluate((key) => sessionStorage.setItem(key, "1"), CUT_OFF_KEY);
    await server.kill();
    await waitFor(async () => (await hook(page, "status")) !== "connected", { what: "page notices the outage" });
    await drawStroke(page, STROKE);
    expect(await hook(page, "pending")).toBe(1);
    await waitFor(() => showsStroke(page), { what: "the stroke drawn optimistically" });

    server = await startServer({ port: server.port, dataDir: server.dataDir, nodeId: server.nodeId });
    await page.reload();
    // Nothing reached the server yet: the stroke comes back from this tab's saved outbox.
    expect(await hook(page, "pending")).toBe(1);
    await waitFor(async () => (await hook(page, "status")) === "reconnecting", { what: "the reloaded page's first connection attempt failed" });
    expect(await hook(page, "pending")).toBe(1);
    await waitFor(() => showsStroke(page), { what: "restored stroke rendered after reload" });

    await page.unroute("**/socket.io/**");
    await page.evaluate((key) => sessionStorage.removeItem(key), CUT_OFF_KEY);
    await waitFor(async () => (await hook(page, "pending")) === 0, { what: "outbox flushed after reconnect", timeoutMs: 20_000 });
    expect(await hook(page, "head")).toBe(1);

    const other = await join(board);
    await itemCountIs(other, 1, "another person after the outage");
    await waitFor(() => showsStroke(other), { what: "the other person sees the saved stroke" });
  });
});
