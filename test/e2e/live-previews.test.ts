/**
 * Two real browsers on one real server: B sees what A does with every tool while
 * A is still doing it (docs/protocol.md, "Live previews"): a rectangle while A's
 * mouse is down, a text before A finishes it, a move before A releases, and A's
 * selection outlined; everything A showed vanishes when A's tab closes.
 *
 * Assertions read B's test hook (what B shows) and, for the rectangle, B's live
 * canvas pixels; never timings.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PeerPreview } from "../../src/shared/protocol.js";
import { hook, inkAt } from "../helpers/browser.js";
import { boardPagesFixture } from "../helpers/board-pages.js";
import { waitFor } from "../helpers/wait.js";

const VIEW = { width: 1000, height: 700 };
const RECT = { x1: 300, y1: 250, x2: 500, y2: 400 };

const fixture = boardPagesFixture(VIEW);
const join = fixture.join;

async function previewShown(page: Page, what: string, test: (p: PeerPreview) => boolean): Promise<PeerPreview> {
  let found: PeerPreview | undefined;
  await waitFor(
    async () => {
      found = (await hook(page, "previews")).find(test);
      return found;
    },
    { what },
  );
  return found!;
}

describe("live previews of every tool", () => {
  const board = `e2e-preview-${Date.now().toString(36)}`;
  let alice: Page;
  let bob: Page;

  it("shows A's rectangle to B while A's mouse is still down, then the committed one", async () => {
    [alice, bob] = await Promise.all([join(board), join(board)]);
    await alice.keyboard.press("r");
    await alice.mouse.move(RECT.x1, RECT.y1);
    await alice.mouse.down();
    await alice.mouse.move(RECT.x2, RECT.y2, { steps: 6 });
    const p = await previewShown(bob, "B shows A's rectangle preview", (q) => q.kind === "shape" && q.item.x2 === RECT.x2 && q.item.y2 === RECT.y2);
    expect(p.kind === "shape" && p.item.shape).toBe("rect");
    // Drawn on B's live layer: the middle of the left side has ink, the centre none.
    await waitFor(async () => (await inkAt(bob, "ink", [[RECT.x1, (RECT.y1 + RECT.y2) / 2]]))[0] > 100, { what: "B's live layer shows the rectangle" });
    expect(await hook(bob, "itemCount")).toBe(0);
    await alice.mouse.up();
    await waitFor(async () => (await hook(bob, "itemCount")) === 1, { what: "B has the committed rectangle" });
    await waitFor(async () => !(await hook(bob, "previews")).some((q) => q.kind === "shape"), { what: "the shape preview gone on B" });
  });

  it("shows A's text to B before A finishes it", async () => {
    await alice.keyboard.press("t");
    await alice.mouse.click(650, 200);
    await alice.keyboard.type("hello");
    await previewShown(bob, "B shows A's text as typed", (q) => q.kind === "text" && q.item.text === "hello");
    expect(await hook(bob, "itemCount")).toBe(1);
    await alice.keyboard.press("Escape");
    await waitFor(async () => (await hook(bob, "itemCount")) === 2, { what: "B has the committed text" });
    await waitFor(async () => !(await hook(bob, "previews")).some((q) => q.kind === "text"), { what: "the text preview gone on B" });
  });

  it("outlines A's selection on B and shows A's move before release", async () => {
    const rect = (await hook(alice, "items")).find((i) => i.kind === "shape")!;
    await alice.keyboard.press("v");
    await alice.mouse.move(RECT.x1, (RECT.y1 + RECT.y2) / 2);
    await alice.mouse.down();
    await previewShown(bob, "B outlines A's selection", (q) => q.kind === "selection" && q.itemIds.includes(rect.id));
    await alice.mouse.move(RECT.x1 + 60, (RECT.y1 + RECT.y2) / 2 + 30, { steps: 6 });
    await previewShown(bob, "B shows A's move in progress", (q) => q.kind === "move" && q.itemIds.includes(rect.id) && q.dx === 60 && q.dy === 30);
    // Not committed yet: B's board still has the rectangle where it was.
    const onBob = (await hook(bob, "items")).find((i) => i.id === rect.id);
    expect(onBob?.kind === "shape" && onBob.x1).toBe(RECT.x1);
    await alice.mouse.up();
    await waitFor(async () => {
      const moved = (await hook(bob, "items")).find((i) => i.id === rect.id);
      return moved?.kind === "shape" && moved.x1 === RECT.x1 + 60;
    }, { what: "B has the committed move" });
    await waitFor(async () => !(await hook(bob, "previews")).some((q) => q.kind === "move"), { what: "the move preview gone on B" });
    // The selection stays outlined while A keeps it.
    expect((await hook(bob, "previews")).some((q) => q.kind === "selection")).toBe(true);
  });

  it("drops everything A showed when A's tab closes", async () => {
    // A starts another shape and keeps the mouse down, then the tab goes.
    await alice.keyboard.press("o");
    await alice.mouse.move(600, 450);
    await alice.mouse.down();
    await alice.mouse.move(700, 550, { steps: 4 });
    await previewShown(bob, "B shows A's ellipse preview", (q) => q.kind === "shape" && q.item.shape === "ellipse");
    expect((await hook(bob, "previews")).some((q) => q.kind === "selection")).toBe(false); // the tool switch cleared it
    await alice.context().close();
    await waitFor(async () => (await hook(bob, "previews")).length === 0, { what: "every preview of A gone on B" });
    await waitFor(async () => (await inkAt(bob, "ink", [[600, 500]]))[0] === 0, { what: "B's live layer empty" });
  });
});
