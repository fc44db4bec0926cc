/**
 * The page at every size, and the help around it, in a real Chromium on a real node:
 * at phone, tablet and desktop sizes every toolbar action is on screen or in the
 * "More tools" menu and no panel covers another; the wheel pans and Ctrl+wheel zooms
 * about 10 % per notch around the pointer; `?` opens the shortcut sheet; an empty board
 * shows a hint until something is drawn; closing a popover by pressing the board draws
 * nothing; PNG export shows progress and a 1,000-item board exports in under a second.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHORTCUT_ROWS } from "../../src/client/ui/shortcut-list.js";
import type { BoardOp } from "../../src/shared/protocol.js";
import { connect, shapeOp, strokeOp, textOp } from "../helpers/board-client.js";
import { drawStroke, hook, inkAt, launchBrowser } from "../helpers/browser.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

interface Size {
  width: number;
  height: number;
  /** A touch screen (the browser's `any-pointer: coarse`): Copy and Paste buttons show. */
  touch?: boolean;
}

const MATRIX: Size[] = [
  { width: 320, height: 568, touch: true },
  { width: 390, height: 844, touch: true },
  { width: 844, height: 390, touch: true },
  { width: 768, height: 1024, touch: true },
  { width: 1024, height: 768, touch: true },
  { width: 900, height: 800 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768, touch: true },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
];
const DESKTOP: Size = { width: 1280, height: 800 };
/** Room for the whole toolbar on one row. */
const WIDE: Size = { width: 1920, height: 1080 };
/** Accessible names that must contain these words (issue 13), and the tools' exact names. */
const ACTIONS = ["Undo", "Redo", "Clear", "Export PNG", "Export SVG", "Bring to front", "Send to back"];
const TOOLS = ["Select", "Hand (pan)", "Pen", "Line", "Arrow", "Rectangle", "Ellipse", "Text", "Eraser"];
/** The selection's actions without a keyboard, by exact name. */
const SELECTION_ACTIONS = ["Duplicate", "Delete selection"];
/** Shown on touch screens only, by exact name ("Copy share link" is another button). */
const TOUCH_ONLY = ["Copy", "Paste"];
/** The page's fixed chrome: none of these may cover another, nor any open popover. */
const PANELS = [".brand", "#zoom-controls", "#people-button", "#share", "#toolbar-root"];

let server: ServerProcess;
let browser: Browser;
let boards = 0;

beforeAll(async () => {
  // The 1,000-item board is written as fast as the test can: no per-socket op limit.
  [server, browser] = await Promise.all([startServer({ env: { RATE_LIMITS: "off" } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(size: Size, boardId = `layout-${Date.now().toString(36)}-${boards++}`): Promise<Page> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: size.width, height: size.height }, hasTouch: size.touch ?? false, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
  await page.goto(`${server.url}/b/${boardId}`);
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
  return page;
}

interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Bounding boxes of the selected, displayed elements (absent or hidden ones are left out). */
function boxes(page: Page, selectors: string[]): Promise<Box[]> {
  return page.evaluate((selectors) => {
    const out: Box[] = [];
    for (const name of selectors) {
      const el = document.querySelector(name);
      if (!el || el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      out.push({ name, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    }
    return out;
  }, selectors);
}

const overlap = (a: Box, b: Box): boolean => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const inside = (a: Box, outer: Omit<Box, "name">): boolean =>
  a.left >= outer.left - 0.5 && a.top >= outer.top - 0.5 && a.right <= outer.right + 0.5 && a.bottom <= outer.bottom + 0.5;

function expectApart(all: Box[], size: Size, what: string): void {
  const screen = { left: 0, top: 0, right: size.width, bottom: size.height };
  for (const b of all) expect(inside(b, screen), `${what}: ${b.name} inside the ${size.width}x${size.height} screen (${JSON.stringify(b)})`).toBe(true);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      expect(overlap(all[i], all[j]), `${what}: ${all[i].name} and ${all[j].name} overlap (${JSON.stringify([all[i], all[j]])})`).toBe(false);
    }
  }
}

interface Placement {
  label: string;
  /** Buttons whose name matches (exactly one expected). */
  matches: number;
  where: "toolbar" | "menu" | "elsewhere";
  box: Box | null;
  /** The box of the row it sits in (the toolbar or the menu): a button clipped by it is not reachable. */
  container: Box | null;
}

/** Where each action's button is: by accessible name, containing the action's word (tools and the selection's actions: exactly their name). */
function placements(page: Page, touch = false): Promise<Placement[]> {
  return page.evaluate(
    ({ actions, tools }) => {
      const box = (el: Element | null, name: string) => {
        if (!el || el.getClientRects().length === 0) return null;
        const r = el.getBoundingClientRect();
        return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      };
      const buttons = [...document.querySelectorAll("button")];
      const find = (label: string, exact: boolean) => {
        const matches = buttons.filter((b) => {
          const name = b.getAttribute("aria-label") ?? "";
          return exact ? name === label : name.includes(label);
        });
        const b = matches[0];
        const toolbar = b?.closest("#toolbar-root");
        const menu = b?.closest("#more-tools-menu");
        return {
          label,
          matches: matches.length,
          where: toolbar ? "toolbar" : menu ? "menu" : "elsewhere",
          box: box(b ?? null, label),
          container: box(toolbar ?? menu ?? null, toolbar ? "toolbar" : "menu"),
        } as const;
      };
      return [...actions.map((a) => find(a, false)), ...tools.map((t) => find(t, true))];
    },
    { actions: ACTIONS, tools: [...TOOLS, ...SELECTION_ACTIONS, ...(touch ? TOUCH_ONLY : [])] },
  );
}

describe("every size works", () => {
  for (const size of MATRIX) {
    it(`${size.width}x${size.height}${size.touch ? " (touch)" : ""}: every action on screen or under "More tools", no panel over another`, async () => {
      const page = await open(size);
      const screen = { left: 0, top: 0, right: size.width, bottom: size.height };
      const before = await placements(page, size.touch);
      // Without a touch screen, Copy and Paste are the keyboard's: no buttons, no room taken.
      const displays = await page.evaluate((names) => names.map((n) => getComputedStyle(document.querySelector(`button[aria-label="${n}"]`)!).display), TOUCH_ONLY);
      expect(displays.map((d) => d !== "none")).toEqual(TOUCH_ONLY.map(() => size.touch ?? false));
      const more = (await boxes(page, ["#more-tools"]))[0];
      for (const p of before) {
        expect(p.matches, `one button named like "${p.label}"`).toBe(1);
        expect(p.where, `${p.label}: in the toolbar or its menu`).not.toBe("elsewhere");
        if (p.where === "toolbar") {
          expect(p.box, `${p.label}: shown`).not.toBeNull();
          expect(inside(p.box!, screen) && inside(p.box!, p.container!), `${p.label} fully on screen, not clipped (${JSON.stringify(p)})`).toBe(true);
        } else {
          expect(more, `${p.label} is in the menu: the "More tools" button shows`).toBeDefined();
        }
      }
      // The button itself: by its accessible name, inside the screen.
      if (more) {
        expect(inside(more, screen)).toBe(true);
        await page.getByRole("button", { name: "More tools", exact: true }).click();
        const opened = await placements(page, size.touch);
        for (const p of opened.filter((x) => x.where === "menu")) {
          expect(p.box, `${p.label}: shown in the open menu`).not.toBeNull();
          expect(inside(p.box!, screen) && inside(p.box!, p.container!), `${p.label} fully on screen in the menu (${JSON.stringify(p)})`).toBe(true);
        }
        expectApart(await boxes(page, [...PANELS, "#more-tools-menu"]), size, "with the menu open");
        await page.keyboard.press("Escape");
        expect(await page.locator("#more-tools-menu").isHidden()).toBe(true);
      } else {
        expect(before.every((p) => p.where === "toolbar")).toBe(true);
      }
      expectApart(await boxes(page, PANELS), size, "closed");
      await page.locator("#people-button").click();
      await page.locator("#people-panel").waitFor({ state: "visible" });
      expectApart(await boxes(page, [...PANELS, "#people-panel"]), size, "with the people panel open");
      await page.context().close();
    });
  }

  it("the toolbar gives back what it moved when there is room again", async () => {
    const page = await open({ width: 390, height: 844 });
    expect(await page.locator("#more-tools-menu #board-group").count()).toBe(1);
    await page.setViewportSize(WIDE);
    await waitFor(async () => (await page.locator("#toolbar-root #board-group").count()) === 1, { what: "exports back in the toolbar" });
    expect(await page.locator("#more-tools").isHidden()).toBe(true);
    expect(await page.locator("#more-tools-menu button").count()).toBe(0);
    await page.context().close();
  });
});

describe("navigation, help and feedback (1280x800)", () => {
  let page: Page;

  it("the wheel pans on both axes and leaves the zoom alone", async () => {
    page = await open(DESKTOP);
    await page.mouse.move(640, 400);
    await page.mouse.wheel(0, 120);
    await waitFor(async () => (await hook(page, "view")).offsetY === 120, { what: "scrolled down" });
    await page.mouse.wheel(80, 0);
    await waitFor(async () => (await hook(page, "view")).offsetX === 80, { what: "scrolled right" });
    await page.keyboard.down("Shift");
    await page.mouse.wheel(0, 50);
    await page.keyboard.up("Shift");
    await waitFor(async () => (await hook(page, "view")).offsetX === 130, { what: "Shift+wheel scrolled sideways" });
    expect(await hook(page, "view")).toEqual({ offsetX: 130, offsetY: 120, zoom: 1 });
  });

  it("Ctrl+wheel zooms about 10 % per 100 px of delta, around the pointer", async () => {
    const at = { x: 300, y: 200 };
    await page.mouse.move(at.x, at.y);
    const start = await hook(page, "view");
    const anchor = { x: at.x / start.zoom + start.offsetX, y: at.y / start.zoom + start.offsetY };
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -100);
    await waitFor(async () => (await hook(page, "view")).zoom !== start.zoom, { what: "zoomed in" });
    const one = await hook(page, "view");
    expect(one.zoom).toBeCloseTo(1.1, 2);
    await page.mouse.wheel(0, -300);
    await waitFor(async () => (await hook(page, "view")).zoom !== one.zoom, { what: "zoomed in again" });
    const three = await hook(page, "view");
    expect(three.zoom / one.zoom).toBeCloseTo(1.1 ** 3, 2);
    await page.mouse.wheel(0, 100);
    await waitFor(async () => (await hook(page, "view")).zoom !== three.zoom, { what: "zoomed out" });
    await page.keyboard.up("Control");
    const v = await hook(page, "view");
    expect(v.zoom).toBeCloseTo(1.1 ** 3, 2);
    // The board point under the pointer stayed under it.
    expect((anchor.x - v.offsetX) * v.zoom).toBeCloseTo(at.x, 6);
    expect((anchor.y - v.offsetY) * v.zoom).toBeCloseTo(at.y, 6);
    await page.locator("#zoom-reset").click();
  });

  it("? opens the shortcut sheet with every shortcut; Escape closes it", async () => {
    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await sheet.waitFor({ state: "visible" });
    expect(await sheet.locator(".shortcut-row").count()).toBe(SHORTCUT_ROWS.length);
    expect(await sheet.locator("kbd", { hasText: "Ctrl/Cmd+Shift+E" }).count()).toBe(1);
    // The board's shortcuts rest while the sheet is open.
    await page.keyboard.press("r");
    expect(await hook(page, "tool")).toBe("pen");
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "hidden" });
  });

  it("an empty board shows a one-line hint that goes once something is drawn, and comes back when it is undone", async () => {
    const hint = page.locator("#empty-hint");
    await hint.waitFor({ state: "visible" });
    expect(await hint.textContent()).toMatch(/draw/i);
    const box = (await boxes(page, ["#empty-hint"]))[0];
    expect(box.bottom - box.top).toBeLessThan(30);
    await drawStroke(page, [
      [500, 500],
      [560, 520],
      [620, 500],
    ]);
    await hint.waitFor({ state: "hidden" });
    await page.keyboard.press("Control+z");
    await hint.waitFor({ state: "visible" });
  });

  it("pressing the board to close the people panel (or the More tools menu) draws nothing; the next press draws", async () => {
    await page.keyboard.press("p");
    await page.locator("#people-button").click();
    await page.locator("#people-panel").waitFor({ state: "visible" });
    await page.mouse.click(700, 450);
    await page.locator("#people-panel").waitFor({ state: "hidden" });
    const phone = await open({ width: 390, height: 844 });
    await phone.getByRole("button", { name: "More tools", exact: true }).click();
    await phone.locator("#more-tools-menu").waitFor({ state: "visible" });
    await phone.mouse.click(200, 400);
    await phone.locator("#more-tools-menu").waitFor({ state: "hidden" });
    for (const p of [page, phone]) {
      expect(await hook(p, "itemCount")).toBe(0);
      expect(await hook(p, "pending")).toBe(0);
    }
    expect(await inkAt(page, "ink", [[700, 450]])).toEqual([0]);
    expect(await inkAt(phone, "ink", [[200, 400]])).toEqual([0]);
    // The same press with nothing open is a dot: the check above could have failed.
    await page.mouse.click(700, 450);
    await waitFor(async () => (await hook(page, "itemCount")) === 1, { what: "the dot" });
    await phone.context().close();
  });

  it("PNG export shows progress, and a 1,000-item board exports in under a second", async () => {
    const boardId = `export-${Date.now().toString(36)}`;
    const client = await connect(server.url, boardId);
    await client.ready();
    await Promise.all(thousandItems().map((op) => client.submit(op)));
    client.socket.close();
    const big = await open(DESKTOP, boardId);
    await waitFor(async () => (await hook(big, "itemCount")) === 1_000, { what: "1,000 items on the page" });
    // Every toast the page shows, however briefly, and how long after the press on Export PNG its progress
    // message went (page time: the browser saving the file and the test's remote control are not the export).
    await big.evaluate(() => {
      const w = window as unknown as { toastsSeen: string[]; exportTimes: number[] };
      w.toastsSeen = [];
      w.exportTimes = [];
      let pressed = 0;
      document.getElementById("export")!.addEventListener("pointerdown", () => (pressed = performance.now()), { capture: true });
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) w.toastsSeen.push(`${(n as Element).className}: ${n.textContent}`);
          // The progress message goes when the PNG is made and handed to the browser to save.
          for (const n of r.removedNodes) if ((n as Element).className === "toast progress") w.exportTimes.push(performance.now() - pressed);
        }
      }).observe(document.getElementById("toasts")!, { childList: true });
    });
    for (let run = 0; run < 3; run++) {
      // At 1280 px the exports sit in the "More tools" menu (the toolbar's row is full).
      const button = big.getByRole("button", { name: "Export PNG" });
      if (!(await button.isVisible())) await big.getByRole("button", { name: "More tools" }).click();
      const [download] = await Promise.all([big.waitForEvent("download"), button.click()]);
      expect(await download.path()).toBeTruthy();
      expect(download.suggestedFilename()).toBe(`meshboard-${boardId}.png`);
    }
    const { toastsSeen, exportTimes } = await big.evaluate(() => {
      const w = window as unknown as { toastsSeen: string[]; exportTimes: number[] };
      return { toastsSeen: w.toastsSeen, exportTimes: w.exportTimes };
    });
    expect(toastsSeen).toContain("toast progress: Exporting PNG…");
    expect(exportTimes).toHaveLength(3);
    console.log(`PNG export of 1,000 items: ${exportTimes.map((t) => Math.round(t)).join(", ")} ms`);
    // The bound, for the best of three runs on a shared, loaded machine.
    expect(Math.min(...exportTimes)).toBeLessThan(1_000);
    await big.context().close();
  });
});

/** A busy board: 700 strokes of 40 points, 200 shapes and 100 texts over 4,000 x 2,500 px. */
function thousandItems(): BoardOp[] {
  const ops: BoardOp[] = [];
  const colors = ["#1e1e24", "#e03131", "#2f9e44", "#1c7ed6", "#f59f00", "#e8590c", "#9c36b5"];
  for (let i = 0; i < 1_000; i++) {
    const x = (i % 40) * 100;
    const y = Math.floor(i / 40) * 100;
    const color = colors[i % colors.length];
    if (i % 10 < 7) {
      const points: number[] = [];
      for (let k = 0; k < 40; k++) points.push(x + k * 2, Math.round(y + 40 + Math.sin((k + i) / 4) * 25));
      ops.push(strokeOp(points, color));
    } else if (i % 10 < 9) {
      ops.push(shapeOp(i % 2 ? "rect" : "ellipse", [x + 5, y + 10, x + 90, y + 80], color));
    } else {
      ops.push(textOp(`note ${i}`, x + 5, y + 50, color));
    }
  }
  return ops;
}
