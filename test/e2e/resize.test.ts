/**
 * Two real browsers on one real server: resizing by a handle (issue 13). A
 * draws a rectangle, selects it and drags its corner handle by a known screen
 * distance: the stored rectangle (both screens and GET /b/<id>.svg) has its
 * corner exactly that far on, in board pixels, at 100 % and at 200 % zoom; B
 * sees the resize before A lets go; one undo restores it; Shift keeps the
 * proportions. A text's side handle sets where it wraps.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item, Shape, Text } from "../../src/shared/protocol.js";
import { textLines } from "../../src/shared/item-layout.js";
import { drag, hook } from "../helpers/browser.js";
import { boardPagesFixture } from "../helpers/board-pages.js";
import { waitFor } from "../helpers/wait.js";

const VIEW = { width: 1000, height: 700 };

const fixture = boardPagesFixture(VIEW);
const join = fixture.join;

type Box = Pick<Shape, "x1" | "y1" | "x2" | "y2">;

const rectOf = async (page: Page): Promise<Shape | undefined> => (await hook(page, "items")).find((i: Item): i is Shape => i.kind === "shape");

/** Waits until the rectangle is `want` (to the hundredth of a board pixel: exact as stored) on every page and in the SVG. */
async function rectIs(board: string, pages: Page[], want: Box, what: string): Promise<void> {
  const same = (s: Box | undefined) => s !== undefined && (["x1", "y1", "x2", "y2"] as const).every((k) => Math.abs(s[k] - want[k]) < 0.005);
  for (const page of pages) await waitFor(async () => same(await rectOf(page)), { what: `${what} (${pages.indexOf(page) === 0 ? "A" : "B"})` });
  const svgRect = (svg: string): Box | undefined => {
    // The last <rect> (the first is the background).
    const m = [...svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"/g)].at(-1);
    return m ? { x1: +m[1], y1: +m[2], x2: +m[1] + +m[3], y2: +m[2] + +m[4] } : undefined;
  };
  await waitFor(async () => same(svgRect(await (await fetch(`${fixture.server.url}/b/${board}.svg`)).text())), { what: `${what} (SVG)` });
}

/** Where a board point is on the page's screen. */
async function toScreen(page: Page, x: number, y: number): Promise<[number, number]> {
  const v = await hook(page, "view");
  return [(x - v.offsetX) * v.zoom, (y - v.offsetY) * v.zoom];
}

describe("resizing by a handle", () => {
  const board = `e2e-resize-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;
  let start: Shape;

  it("at 100 %: the corner lands exactly where it was dragged; B sees it before release; one undo restores", async () => {
    [alice, bob] = await Promise.all([join(board), join(board)]);
    await alice.keyboard.press("r");
    await drag(alice, [200, 200], [400, 300]);
    await waitFor(async () => (await rectOf(bob)) !== undefined, { what: "B has the rectangle" });
    start = (await rectOf(alice))!;
    await alice.keyboard.press("v");
    await alice.mouse.click(start.x1, (start.y1 + start.y2) / 2); // on its left side: selects it

    await alice.mouse.move(start.x2, start.y2);
    // Over the corner handle the pointer says which way it resizes.
    await waitFor(async () => (await alice.evaluate(() => document.getElementById("ink")!.style.cursor)) === "nwse-resize", { what: "a resize cursor over the handle" });
    await alice.mouse.down();
    await alice.mouse.move(start.x2 + 60, start.y2 + 40, { steps: 6 });
    await waitFor(async () => (await hook(bob, "previews")).some((p) => p.kind === "transform" && p.itemIds.includes(start.id) && p.sx > 1.25), {
      what: "B sees A's resize while A's mouse is down",
    });
    expect(await rectOf(bob)).toEqual(start); // not committed yet
    await alice.mouse.up();
    await rectIs(board, [alice, bob], { ...start, x2: start.x2 + 60, y2: start.y2 + 40 }, "resized by (60, 40)");
    await waitFor(async () => !(await hook(bob, "previews")).some((p) => p.kind === "transform"), { what: "the resize preview gone on B" });

    await alice.keyboard.press("Control+z");
    await rectIs(board, [alice, bob], start, "one undo restores it");
  });

  it("at 200 %: a screen drag is half as far on the board, still exact", async () => {
    // Zoom in around the rectangle with small Ctrl+wheel steps (a pinch's rate: e^(d/100) each) to 200 %.
    await alice.mouse.move(300, 250);
    await alice.keyboard.down("Control");
    for (let i = 0; i < 10; i++) await alice.mouse.wheel(0, -10 * Math.log(2));
    await alice.keyboard.up("Control");
    await waitFor(async () => Math.abs((await hook(alice, "view")).zoom - 2) < 0.005, { what: "A at 200 %" });

    const [cx, cy] = await toScreen(alice, start.x2, start.y2);
    const zoom = (await hook(alice, "view")).zoom;
    await drag(alice, [cx, cy], [cx + 60, cy + 40]);
    await rectIs(board, [alice, bob], { ...start, x2: start.x2 + 60 / zoom, y2: start.y2 + 40 / zoom }, "resized by (30, 20) board px at 200 %");
    await alice.keyboard.press("Control+z");
    await rectIs(board, [alice, bob], start, "one undo restores it at 200 %");
  });

  it("Shift keeps the proportions (by the larger change)", async () => {
    const [cx, cy] = await toScreen(alice, start.x2, start.y2);
    const zoom = (await hook(alice, "view")).zoom;
    await alice.keyboard.down("Shift");
    await drag(alice, [cx, cy], [cx + 60, cy + 10]);
    await alice.keyboard.up("Shift");
    const w = start.x2 - start.x1;
    const h = start.y2 - start.y1;
    const s = Math.max((w + 60 / zoom) / w, (h + 10 / zoom) / h);
    await rectIs(board, [alice, bob], { ...start, x2: start.x1 + w * s, y2: start.y1 + h * s }, "scaled alike on both axes");
    const r = (await rectOf(bob))!;
    expect((r.x2 - r.x1) / (r.y2 - r.y1)).toBeCloseTo(w / h, 3);
  });

  it("a text's side handle sets its wrap width; the SVG wraps it the same", async () => {
    const other = `e2e-resize-text-${Date.now().toString(36)}`;
    const carol = await join(other);
    await carol.keyboard.press("t");
    await carol.mouse.click(100, 100);
    await carol.keyboard.type("one two three four five six");
    await carol.keyboard.press("Escape");
    const textOf = async (page: Page) => (await hook(page, "items")).find((i: Item): i is Text => i.kind === "text");
    await waitFor(async () => (await textOf(carol)) !== undefined, { what: "the text committed" });
    const t = (await textOf(carol))!;
    expect(t.w).toBeUndefined();
    await carol.keyboard.press("v");
    await carol.mouse.click(t.x + 5, t.y + 5);
    // The right side handle sits at the middle of the text's right edge.
    const right = t.x + t.text.length * t.size * 0.62;
    const mid = t.y + (t.size * 1.25) / 2;
    await drag(carol, [right, mid], [t.x + 130, mid]);
    await waitFor(async () => (await textOf(carol))?.w !== undefined, { what: "the text has a wrap width" });
    const wrapped = (await textOf(carol))!;
    expect(wrapped.w).toBeCloseTo(130, 2);
    expect(wrapped.size).toBe(t.size);
    const lines = textLines(wrapped);
    expect(lines.length).toBeGreaterThan(1);
    const svg = await (await fetch(`${fixture.server.url}/b/${other}.svg`)).text();
    expect([...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1])).toEqual(lines);
    await carol.context().close();
  });
});
