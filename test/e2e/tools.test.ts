/**
 * Real browsers on one real server: a rectangle and a text made in one page show
 * in the other (canvas pixels and the test hook); moving and editing them reach
 * the other page and undo; panning and zooming one page leaves the other's view
 * alone, and a page always opens at the default view.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item } from "../../src/shared/protocol.js";
import { drag, hook, inkAt } from "../helpers/browser.js";
import { boardPagesFixture } from "../helpers/board-pages.js";
import { waitFor } from "../helpers/wait.js";

const VIEW = { width: 1000, height: 700 };
/** Rectangle corners, in screen pixels (= board pixels at the default view). */
const RECT = { x1: 300, y1: 250, x2: 500, y2: 400 };
const TEXT_AT: [number, number] = [620, 300];

const fixture = boardPagesFixture(VIEW);
const join = fixture.join;


async function itemWhere(page: Page, what: string, test: (i: Item) => boolean): Promise<Item> {
  let found: Item | undefined;
  await waitFor(
    async () => {
      found = (await hook(page, "items")).find(test);
      return found;
    },
    { what },
  );
  return found!;
}

/** Alpha at the middle of each side of the rectangle, and at its centre, on the scene canvas. */
async function rectPixels(page: Page, r = RECT): Promise<{ edges: number[]; inside: number }> {
  const cx = (r.x1 + r.x2) / 2;
  const cy = (r.y1 + r.y2) / 2;
  const edges = await inkAt(page, "scene", [
    [cx, r.y1],
    [r.x2, cy],
    [cx, r.y2],
    [r.x1, cy],
  ]);
  const [inside] = await inkAt(page, "scene", [[cx, cy]]);
  return { edges, inside };
}

async function showsRect(page: Page, r = RECT): Promise<boolean> {
  const { edges, inside } = await rectPixels(page, r);
  return edges.every((a) => a > 200) && inside === 0;
}

/** Any ink in the box (text glyphs), sampled on a grid. */
async function inkIn(page: Page, x: number, y: number, w: number, h: number): Promise<boolean> {
  const points: [number, number][] = [];
  for (let px = x; px <= x + w; px += 3) for (let py = y; py <= y + h; py += 3) points.push([px, py]);
  return (await inkAt(page, "scene", points)).some((a) => a > 150);
}

describe("shapes and text between two people", () => {
  const board = `tools-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;

  it("a rectangle drawn by one is seen by the other, hollow and where it was drawn", async () => {
    [alice, bob] = await Promise.all([join(board), join(board)]);
    await alice.keyboard.press("r");
    expect(await hook(alice, "tool")).toBe("rect");
    await drag(alice, [RECT.x1, RECT.y1], [RECT.x2, RECT.y2]);
    const rect = await itemWhere(bob, "rectangle at Bob", (i) => i.kind === "shape");
    expect(rect).toMatchObject({ kind: "shape", shape: "rect", ...RECT });
    await waitFor(() => showsRect(bob), { what: "rectangle pixels at Bob" });
    expect(await showsRect(alice)).toBe(true);
  });

  it("a text typed by one is seen by the other, as pixels, with its markup-looking text intact", async () => {
    await alice.keyboard.press("t");
    await alice.mouse.click(...TEXT_AT);
    await waitFor(() => alice.evaluate(() => document.activeElement?.tagName === "TEXTAREA"), { what: "text field focused" });
    const typed = "Hi <b>Bob</b>";
    await alice.keyboard.type(typed);
    await alice.keyboard.press("Escape");
    const text = await itemWhere(bob, "text at Bob", (i) => i.kind === "text");
    expect(text).toMatchObject({ kind: "text", text: typed, size: 24, x: TEXT_AT[0] });
    await waitFor(() => inkIn(bob, TEXT_AT[0], TEXT_AT[1] - 12, 120, 24), { what: "text pixels at Bob" });
    // Nothing typed became an element anywhere in Bob's page.
    expect(await bob.evaluate(() => document.querySelectorAll("b").length)).toBe(0);
  });

  it("editing a text reaches the other person, and undo puts the old text back for both", async () => {
    await alice.mouse.click(TEXT_AT[0] + 10, TEXT_AT[1]);
    await waitFor(() => alice.evaluate(() => document.activeElement?.tagName === "TEXTAREA"), { what: "editing the text" });
    await alice.keyboard.type(" again");
    await alice.keyboard.press("Escape");
    await itemWhere(bob, "edited text at Bob", (i) => i.kind === "text" && i.text === "Hi <b>Bob</b> again");
    await alice.keyboard.press("Control+z");
    await itemWhere(bob, "text undone at Bob", (i) => i.kind === "text" && i.text === "Hi <b>Bob</b>");
  });

  it("selecting and dragging the rectangle moves it for both; undo moves it back", async () => {
    await alice.keyboard.press("v");
    await drag(alice, [RECT.x1, 320], [RECT.x1 + 60, 360]);
    const moved = { x1: RECT.x1 + 60, y1: RECT.y1 + 40, x2: RECT.x2 + 60, y2: RECT.y2 + 40 };
    await itemWhere(bob, "moved rectangle at Bob", (i) => i.kind === "shape" && i.x1 === moved.x1 && i.y1 === moved.y1);
    await waitFor(() => showsRect(bob, moved), { what: "moved rectangle pixels at Bob" });
    await alice.keyboard.press("Control+z");
    await itemWhere(bob, "rectangle back at Bob", (i) => i.kind === "shape" && i.x1 === RECT.x1 && i.y1 === RECT.y1);
    await waitFor(() => showsRect(bob), { what: "rectangle pixels back at Bob" });
  });

  it("box-selecting, duplicating and deleting reach the other person", async () => {
    await drag(alice, [RECT.x1 - 20, RECT.y1 - 20], [RECT.x2 + 20, RECT.y2 + 20]);
    await alice.keyboard.press("Control+d");
    await waitFor(async () => (await hook(bob, "items")).filter((i) => i.kind === "shape").length === 2, { what: "duplicate at Bob" });
    await alice.keyboard.press("Delete");
    await waitFor(async () => (await hook(bob, "items")).filter((i) => i.kind === "shape").length === 1, { what: "copy deleted at Bob" });
    expect(await showsRect(bob)).toBe(true);
  });

  it("panning and zooming one page moves only that page's view", async () => {
    const bobView = await hook(bob, "view");
    expect(bobView).toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
    // Hand tool drag: the board follows the pointer by (-100, -50).
    await alice.keyboard.press("h");
    await drag(alice, [700, 500], [600, 450]);
    await waitFor(async () => (await hook(alice, "view")).offsetX === 100, { what: "Alice panned" });
    expect(await hook(alice, "view")).toEqual({ offsetX: 100, offsetY: 50, zoom: 1 });
    await waitFor(() => showsRect(alice, { x1: RECT.x1 - 100, y1: RECT.y1 - 50, x2: RECT.x2 - 100, y2: RECT.y2 - 50 }), {
      what: "rectangle drawn at its panned place for Alice",
    });
    // Ctrl+wheel zooms around the pointer: the board point under it stays put.
    await alice.mouse.move(RECT.x1 - 100, RECT.y1 - 50);
    await alice.keyboard.down("Control");
    await alice.mouse.wheel(0, -300);
    await alice.keyboard.up("Control");
    await waitFor(async () => (await hook(alice, "view")).zoom > 1.2, { what: "Alice zoomed in" });
    const v = await hook(alice, "view");
    expect((RECT.x1 - v.offsetX) * v.zoom).toBeCloseTo(RECT.x1 - 100, 5);
    expect(await alice.locator("#zoom-reset").textContent()).toBe(`${Math.round(v.zoom * 100)}%`);
    // Space-drag pans too, whatever the tool.
    await alice.keyboard.press("p");
    await alice.keyboard.down(" ");
    await drag(alice, [700, 500], [650, 500]);
    await alice.keyboard.up(" ");
    expect((await hook(alice, "view")).offsetX).toBeCloseTo(v.offsetX + 50 / v.zoom, 5);
    expect(await hook(alice, "items")).toHaveLength(2);
    // Bob saw none of it.
    expect(await hook(bob, "view")).toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
    expect(await showsRect(bob)).toBe(true);
    // Reset view and fit to content are Alice's alone too.
    await alice.locator("#zoom-reset").click();
    expect(await hook(alice, "view")).toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
    await alice.locator("#zoom-fit").click();
    expect(await hook(alice, "view")).not.toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
    expect(await hook(bob, "view")).toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
  });

  it("a late joiner opens the board at the default view, not zoomed to fit", async () => {
    const carol = await join(board);
    await waitFor(async () => (await hook(carol, "itemCount")) === 2, { what: "Carol has the board" });
    expect(await hook(carol, "view")).toEqual({ offsetX: 0, offsetY: 0, zoom: 1 });
    expect(await showsRect(carol)).toBe(true);
  });
});
