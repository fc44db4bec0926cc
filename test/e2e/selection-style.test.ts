/**
 * Two real browsers on one real server: restyling a selection. A selects two
 * rectangles and picks red, then the widest width: both change on both screens
 * and in GET /b/<id>.svg, the select tool and the selection stay; one undo
 * restores both items' width, the next both colours. A fill picked for a
 * selected rectangle makes it filled everywhere, and a click inside selects it.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item, Shape } from "../../src/shared/protocol.js";
import { drag as dragMouse, hook } from "../helpers/browser.js";
import { boardPagesFixture } from "../helpers/board-pages.js";
import { waitFor } from "../helpers/wait.js";

const VIEW = { width: 1000, height: 700 };
const RED = "#e03131";
const WIDEST = 16;

const fixture = boardPagesFixture(VIEW);
const join = fixture.join;

const drag = (page: Page, from: [number, number], to: [number, number]) => dragMouse(page, from, to, 5);

const shapes = async (page: Page): Promise<Shape[]> => (await hook(page, "items")).filter((i: Item): i is Shape => i.kind === "shape");

async function bothAre(pages: Page[], what: string, test: (s: Shape) => boolean): Promise<void> {
  for (const page of pages) {
    await waitFor(async () => {
      const s = await shapes(page);
      return s.length === 2 && s.every(test);
    }, { what });
  }
}

/** Presses a toolbar button, through the "More tools" menu when the toolbar has no room for it. */
async function press(page: Page, name: string | RegExp): Promise<void> {
  const button = page.getByRole("button", { name, exact: typeof name === "string" });
  if (!(await button.isVisible())) await page.getByRole("button", { name: "More tools" }).click();
  await button.click();
}

async function svgOf(board: string): Promise<string> {
  return (await fetch(`${fixture.server.url}/b/${board}.svg`)).text();
}

describe("restyling a selection", () => {
  const board = `e2e-style-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;

  it("colour and width apply to the whole selection, everywhere, and undo one step at a time", async () => {
    [alice, bob] = await Promise.all([join(board), join(board)]);
    await alice.keyboard.press("r");
    await drag(alice, [200, 200], [320, 300]);
    await drag(alice, [420, 200], [560, 320]);
    await waitFor(async () => (await hook(bob, "itemCount")) === 2, { what: "bob has both rectangles" });
    const original = await shapes(alice);
    const before = { color: original[0].color, width: original[0].width };
    expect(before.color).not.toBe(RED);

    // Select both with a box, then pick red and the widest width from the toolbar.
    await alice.keyboard.press("v");
    await drag(alice, [150, 150], [620, 380]);
    await press(alice, "Red");
    await bothAre([alice, bob], "both red on both screens", (s) => s.color === RED);
    expect(await hook(alice, "tool")).toBe("select");
    await press(alice, /^Marker/);
    await bothAre([alice, bob], "both widest on both screens", (s) => s.color === RED && s.width === WIDEST);
    expect(await hook(alice, "tool")).toBe("select");
    await waitFor(async () => (await svgOf(board)).match(new RegExp(`stroke="${RED}" stroke-width="${WIDEST}"`, "g"))?.length === 2, { what: "the SVG has both red and widest" });

    await alice.keyboard.press("Control+z");
    await bothAre([alice, bob], "one undo restores both widths", (s) => s.color === RED && s.width === before.width);
    await alice.keyboard.press("Control+z");
    await bothAre([alice, bob], "the next restores both colours", (s) => s.color === before.color && s.width === before.width);
    await waitFor(async () => !(await svgOf(board)).includes(RED), { what: "the SVG has the old colours again" });
  });

  it("a fill makes a selected rectangle filled everywhere; a click inside then selects it", async () => {
    // Select the first rectangle by its outline and fill it.
    await alice.mouse.click(1, 690); // nothing there: clears the selection
    await alice.mouse.click(200, 250);
    await press(alice, "Solid fill");
    await waitFor(async () => (await shapes(bob)).filter((s) => s.fill === "solid").length === 1, { what: "bob has one solid rectangle" });
    await waitFor(async () => (await svgOf(board)).includes(`fill="${(await shapes(alice))[0].color}"`), { what: "the SVG fills it" });
    // Inside the filled one (not on its outline) is now the rectangle.
    await alice.mouse.click(1, 690);
    await alice.mouse.move(260, 250);
    await alice.mouse.down();
    await alice.mouse.move(290, 270, { steps: 3 });
    await alice.mouse.up();
    await waitFor(async () => (await shapes(bob)).some((s) => s.fill === "solid" && s.x1 === 230), { what: "the filled rectangle moved by a drag from inside" });
  });

  it("arrow keys nudge the selection 1 px, Shift+arrow 10 px, each one undo step", async () => {
    const before = (await shapes(alice)).find((s) => s.fill === "solid")!;
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("Shift+ArrowDown");
    await waitFor(async () => (await shapes(bob)).some((s) => s.id === before.id && s.x1 === before.x1 + 1 && s.y1 === before.y1 + 10), { what: "bob sees the nudges" });
    await alice.keyboard.press("Control+z");
    await waitFor(async () => (await shapes(bob)).some((s) => s.id === before.id && s.x1 === before.x1 + 1 && s.y1 === before.y1), { what: "one undo takes back the last nudge" });
  });
});
