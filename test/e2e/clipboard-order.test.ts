/**
 * Real Chromium on a real server: the system clipboard and the paint order.
 * Copy/paste duplicates across two boards (two tabs of one browser): the copies
 * land on B (its page and GET /b/<B>.svg) while A stays as it was; pasted again
 * on A they sit beside their originals, selected, one undo step; cut removes
 * them (one undo brings them back); plain text from another app becomes a text.
 * Bring to front changes the paint order on both screens (pixels too) and in the
 * SVG; one undo restores it; Send to back from the toolbar works as well, and
 * so do Duplicate and Delete selection (what a touch user has for Ctrl+D and Delete).
 * On a phone, the toolbar's Copy and Paste do what Ctrl+C and Ctrl+V do.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Item, Shape } from "../../src/shared/protocol.js";
import { drag as dragMouse, hook } from "../helpers/browser.js";
import { boardPagesFixture } from "../helpers/board-pages.js";
import { waitFor } from "../helpers/wait.js";

const VIEW = { width: 1000, height: 700 };
const RED = "#e03131";
const BLUE = "#1c7ed6";

const fixture = boardPagesFixture(VIEW);
const join = fixture.join;
const drag = (page: Page, from: [number, number], to: [number, number]) => dragMouse(page, from, to, 5);
const items = (page: Page): Promise<Item[]> => hook(page, "items");
const svgOf = async (board: string): Promise<string> => (await fetch(`${fixture.server.url}/b/${board}.svg`)).text();
const sameShape = (s: Item) => (s.kind === "shape" ? `${s.shape} ${s.color} ${s.x1},${s.y1} ${s.x2},${s.y2}` : s.kind);

/** Presses a toolbar button, through the "More tools" menu when the toolbar has no room for it. */
async function press(page: Page, name: string): Promise<void> {
  const button = page.getByRole("button", { name, exact: true });
  if (!(await button.isVisible())) await page.getByRole("button", { name: "More tools" }).click();
  await button.click();
}

/** The scene canvas's colour (#rrggbb) at a CSS point. */
function sceneColor(page: Page, x: number, y: number): Promise<string> {
  return page.evaluate(
    ([x, y]) => {
      const canvas = document.getElementById("scene") as HTMLCanvasElement;
      const dpr = canvas.width / canvas.clientWidth;
      const d = canvas.getContext("2d")!.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
      return `#${[d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    },
    [x, y] as const,
  );
}

async function connected(page: Page): Promise<void> {
  await waitFor(async () => (await hook(page, "status")) === "connected", { what: "page connected" });
}

describe("copy, cut and paste through the system clipboard", () => {
  const boardA = `e2e-clip-a-${Date.now().toString(36)}`;
  const boardB = `e2e-clip-b-${Date.now().toString(36)}`;
  let context: BrowserContext;
  let a: Page;
  let b: Page;

  it("copy/paste duplicates across two boards: the copies on B, A unchanged", async () => {
    context = await fixture.browser.newContext({ viewport: VIEW });
    // Only the test's plain-text step writes the clipboard from script; the app itself needs no permission.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fixture.server.url });
    [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) p.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
    await a.goto(`${fixture.server.url}/b/${boardA}`);
    await b.goto(`${fixture.server.url}/b/${boardB}`);
    await Promise.all([connected(a), connected(b)]);

    await a.bringToFront();
    await a.keyboard.press("r");
    await drag(a, [200, 200], [320, 300]);
    await a.keyboard.press("o");
    await drag(a, [420, 200], [560, 320]);
    await waitFor(async () => (await hook(a, "pending")) === 0 && (await hook(a, "itemCount")) === 2, { what: "two shapes saved on A" });
    const originals = await items(a);
    const headA = await hook(a, "head");

    await a.keyboard.press("Control+a");
    await a.keyboard.press("Control+c");
    await b.bringToFront();
    await b.keyboard.press("Control+v");
    await waitFor(async () => (await hook(b, "pending")) === 0 && (await hook(b, "itemCount")) === 2, { what: "two copies saved on B" });
    const copies = await items(b);
    // Same shapes (in view on B, so in place), new ids.
    expect(copies.map(sameShape)).toEqual(originals.map(sameShape));
    expect(copies.map((i) => i.id).filter((id) => originals.some((o) => o.id === id))).toEqual([]);
    expect(await hook(b, "tool")).toBe("select");
    const svgB = await svgOf(boardB);
    expect(svgB.match(/<rect /g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(svgB).toContain("<ellipse");
    // A is as it was: no op since.
    expect(await hook(a, "head")).toBe(headA);
    expect(await items(a)).toEqual(originals);
    // One undo takes the whole paste back.
    await b.keyboard.press("Control+z");
    await waitFor(async () => (await hook(b, "itemCount")) === 0, { what: "the paste undone in one step" });
  });

  it("pasted again on A: beside the originals, selected; cut removes them, one undo brings them back", async () => {
    await a.bringToFront();
    await a.keyboard.press("Control+v");
    await waitFor(async () => (await hook(a, "itemCount")) === 4, { what: "copies on A" });
    const [r, e, rc, ec] = (await items(a)) as Shape[];
    expect([rc.x1 - r.x1, rc.y1 - r.y1, ec.x2 - e.x2, ec.y2 - e.y2]).toEqual([24, 24, 24, 24]);
    // The copies are the selection: cutting takes exactly them.
    await a.keyboard.press("Control+x");
    await waitFor(async () => (await hook(a, "itemCount")) === 2, { what: "the copies cut" });
    expect((await items(a)).map((i) => i.id)).toEqual([r.id, e.id]);
    await a.keyboard.press("Control+z");
    await waitFor(async () => (await hook(a, "itemCount")) === 4, { what: "the cut undone" });
  });

  it("plain text from another app becomes a text item, selected", async () => {
    await b.bringToFront();
    await b.evaluate(() => navigator.clipboard.writeText("Notes from elsewhere\r\nsecond line"));
    await b.mouse.move(300, 250);
    await b.keyboard.press("Control+v");
    await waitFor(async () => (await items(b)).some((i) => i.kind === "text"), { what: "a text on B" });
    const text = (await items(b)).find((i) => i.kind === "text")!;
    expect(text).toMatchObject({ kind: "text", text: "Notes from elsewhere\nsecond line", x: 300, y: 250 });
    await waitFor(async () => (await svgOf(boardB)).includes("Notes from elsewhere"), { what: "the text in B's SVG" });
    await context.close();
  });
});

describe("Copy and Paste from the toolbar, on a phone with no keyboard", () => {
  const PHONE = { width: 390, height: 760 };
  const boardA = `e2e-clip-phone-a-${Date.now().toString(36)}`;
  const boardB = `e2e-clip-phone-b-${Date.now().toString(36)}`;
  const toast = (page: Page, text: string) => page.locator("#toasts .toast", { hasText: text }).waitFor();
  /** Taps a toolbar button as a finger does, through the "More tools" menu when the toolbar has no room for it. */
  async function tap(page: Page, name: string): Promise<void> {
    const button = page.getByRole("button", { name, exact: true });
    if (!(await button.isVisible())) await page.getByRole("button", { name: "More tools" }).tap();
    await button.tap();
  }

  async function open(context: BrowserContext, board: string): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
    await page.goto(`${fixture.server.url}/b/${board}`);
    await connected(page);
    return page;
  }

  it("Copy puts the selection on the system clipboard; Paste on another board adds the copy, one undo; plain text too", async () => {
    const context = await fixture.browser.newContext({ viewport: PHONE, hasTouch: true });
    // What the person allows when the browser asks (Chromium asks before a page reads the clipboard).
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fixture.server.url });
    const a = await open(context, boardA);
    await drag(a, [100, 300], [260, 300]);
    await waitFor(async () => (await hook(a, "pending")) === 0 && (await hook(a, "itemCount")) === 1, { what: "a stroke saved on A" });
    const [original] = await items(a);
    await tap(a, "Select");
    await a.mouse.click(180, 300);
    await tap(a, "Copy");
    await toast(a, "Copied 1 item.");
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe("1 meshboard item");

    const b = await open(context, boardB);
    await tap(b, "Paste");
    await waitFor(async () => (await hook(b, "pending")) === 0 && (await hook(b, "itemCount")) === 1, { what: "the copy saved on B" });
    const [copy] = await items(b);
    expect(copy).toEqual({ ...original, id: copy.id });
    expect(copy.id).not.toBe(original.id);
    expect(await hook(b, "tool")).toBe("select");
    await tap(b, "Undo");
    await waitFor(async () => (await hook(b, "itemCount")) === 0, { what: "the paste undone in one step" });

    // Text from another app becomes a text, selected; copied back to A, it keeps every character.
    const odd = 'from "another" app & <co>\u00a0é 😀';
    await b.evaluate((text) => navigator.clipboard.writeText(text), odd);
    await tap(b, "Paste");
    await waitFor(async () => (await items(b)).some((i) => i.kind === "text" && i.text === odd), { what: "a text pasted on B" });
    await tap(b, "Copy");
    await toast(b, "Copied 1 item.");
    await a.bringToFront();
    await tap(a, "Paste");
    await waitFor(async () => (await items(a)).some((i) => i.kind === "text" && i.text === odd), { what: "the text copied to A, exactly" });
    await context.close();
  });

  it("Copy with nothing selected says what to do; a refused clipboard read says how else to paste", async () => {
    const context = await fixture.browser.newContext({ viewport: PHONE, hasTouch: true });
    await context.grantPermissions(["clipboard-write"], { origin: fixture.server.url });
    const page = await open(context, `${boardB}-refused`);
    await tap(page, "Copy");
    await toast(page, "Select something first");
    await tap(page, "Paste");
    await toast(page, "did not let meshboard read the clipboard");
    expect(await hook(page, "itemCount")).toBe(0);
    await context.close();
  });
});

describe("bring to front / send to back", () => {
  const board = `e2e-order-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;
  /** Inside both rectangles: whichever is in front shows here. */
  const OVERLAP: [number, number] = [350, 300];

  async function everywhere(front: string, what: string): Promise<void> {
    for (const page of [alice, bob]) {
      await waitFor(async () => (await items(page)).at(-1)?.color === front && (await sceneColor(page, ...OVERLAP)) === front, { what: `${what}, on screen` });
    }
    await waitFor(async () => {
      const svg = await svgOf(board);
      const other = front === RED ? BLUE : RED;
      return svg.lastIndexOf(`"${front}"`) > svg.lastIndexOf(`"${other}"`);
    }, { what: `${what}, in the SVG` });
  }

  it("bring to front changes the paint order on both screens and in the SVG; one undo restores it", async () => {
    [alice, bob] = await Promise.all([join(board), join(board)]);
    await alice.bringToFront();
    await alice.keyboard.press("r");
    await press(alice, "Solid fill");
    await alice.keyboard.press("2");
    await drag(alice, [200, 200], [400, 350]);
    await alice.keyboard.press("4");
    await drag(alice, [300, 250], [500, 400]);
    const shapes = await items(alice);
    expect(shapes.map((s) => s.color)).toEqual([RED, BLUE]);
    await everywhere(BLUE, "blue (drawn last) in front");

    // Select the red one by a click inside it, then Ctrl+Shift+].
    await alice.keyboard.press("v");
    await alice.mouse.click(230, 220);
    await alice.keyboard.press("Control+Shift+BracketRight");
    await everywhere(RED, "red brought to the front");
    await alice.keyboard.press("Control+z");
    await everywhere(BLUE, "one undo: blue in front again");
    await alice.keyboard.press("Control+Shift+z");
    await everywhere(RED, "redo: red in front");
  });

  it("Send to back from the toolbar, and Ctrl+Shift+[", async () => {
    await alice.mouse.click(230, 220);
    await press(alice, "Send to back");
    await everywhere(BLUE, "red sent to the back");
    await alice.mouse.click(480, 380);
    await alice.keyboard.press("Control+Shift+BracketLeft");
    await everywhere(RED, "blue sent to the back");
  });

  it("Duplicate and Delete selection from the toolbar, with no keyboard (a touch user's way); one undo each", async () => {
    const ids = async (page: Page) => (await items(page)).map((i) => i.id);
    const [blue, red] = await items(alice);
    await alice.mouse.click(230, 220);
    await press(alice, "Duplicate");
    await waitFor(async () => (await items(bob)).length === 3, { what: "the copy on bob's screen" });
    const copy = (await items(alice)).at(-1)!;
    expect(copy).toMatchObject({ kind: "shape", color: RED });
    expect(copy.id).not.toBe(red.id);
    expect(sameShape(copy)).not.toBe(sameShape(red)); // beside the original, not on it
    // The copy is what is selected now: Delete selection removes it, and only it.
    await press(alice, "Delete selection");
    for (const page of [alice, bob]) await waitFor(async () => (await ids(page)).join() === [blue.id, red.id].join(), { what: "only the originals left" });
    await alice.keyboard.press("Control+z");
    await waitFor(async () => (await ids(bob)).includes(copy.id), { what: "one undo brings the copy back" });
  });
});
