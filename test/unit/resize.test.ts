/**
 * Resizing and text wrapping (issue 13): a `transform` scales every item kind
 * about an origin, all or none; its undo (the inverse scale, or a `reshape` when
 * scaling back would not restore) gives back exactly what was there; the schema
 * refuses bad scales and geometries; a node refuses a transform past the range;
 * resize handles turn a drag into the scale the select tool commits; texts wrap
 * at their wrap width into the same lines on the canvas and in the SVG.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoardModel } from "../../src/shared/board-model.js";
import { defaultWrapWidth, textBounds, textLines } from "../../src/shared/item-layout.js";
import { geometryOf, inverseScale, scaleItem, scalesBackExactly, type Scale } from "../../src/shared/item-transform.js";
import { LIMITS, PROTOCOL_VERSION, boardOpSchema, previewSchema, type BoardOp, type Item, type Text } from "../../src/shared/protocol.js";
import { renderSvg } from "../../src/shared/svg-export.js";
import { PageReader } from "../../src/server/board/page-reader.js";
import { MoveRange } from "../../src/server/board/move-range.js";
import { SqliteBoardStore } from "../../src/server/store/sqlite-store.js";
import { paintItem } from "../../src/client/canvas/item-painters.js";
import { handlesFor, keepsProportions, resizeBox, scaleForDrag } from "../../src/client/tools/resize-handles.js";
import { newId } from "../helpers/board-client.js";

const stroke: Item = { kind: "stroke", id: "stroke-0001", color: "#1e1e24", width: 4, points: [10, 10, 20.01, 35.37, 40, 12.5] };
const rect: Item = { kind: "shape", id: "rect-0001", shape: "rect", color: "#1e1e24", width: 4, x1: 100, y1: 100, x2: 300, y2: 200 };
const arrow: Item = { kind: "shape", id: "arrow-0001", shape: "arrow", color: "#1e1e24", width: 2, x1: 300, y1: 10, x2: 50.55, y2: 80 };
const text: Text = { kind: "text", id: "text-0001", color: "#1e1e24", size: 20, x: 50, y: 220, text: "hello world" };
const all = [stroke, rect, arrow, text];

function boardWith(...items: Item[]): BoardModel {
  const m = new BoardModel();
  items.forEach((item, i) => m.apply({ seq: i + 1, op: { type: "add", opId: `add-op-000${i}`, item }, author: "a", at: 0 }));
  return m;
}

function apply(m: BoardModel, op: BoardOp): void {
  expect(boardOpSchema.safeParse(op).success, JSON.stringify(op)).toBe(true);
  m.apply({ seq: m.head + 1, op, author: "a", at: 0 });
}

const transform = (itemIds: string[], t: Scale): BoardOp => ({ type: "transform", opId: newId(), itemIds, ...t });

/** What the select tool sends to undo a resize of `before` by `t`. */
function undoOf(before: Item[], t: Scale): BoardOp {
  return scalesBackExactly(before, t)
    ? transform(
        before.map((i) => i.id),
        inverseScale(t),
      )
    : { type: "reshape", opId: newId(), items: before.map(geometryOf) };
}

describe("transform op", () => {
  it("scales every kind about the origin: points, corners, a text's anchor and font", () => {
    const m = boardWith(...all);
    apply(m, transform(all.map((i) => i.id), { sx: 2, sy: 2, ox: 100, oy: 100 }));
    const [s, r, a, t] = m.visibleItems();
    expect(s).toEqual({ ...stroke, points: [-80, -80, -59.98, -29.26, -20, -75] });
    expect(r).toEqual({ ...rect, x1: 100, y1: 100, x2: 500, y2: 300 });
    expect(a).toEqual({ ...arrow, x1: 500, y1: -80, x2: 1.1, y2: 60 });
    expect(t).toEqual({ ...text, x: 0, y: 340, size: 40 });
  });

  it("a non-uniform scale keeps a text's font and sets its wrap width (a side handle)", () => {
    const m = boardWith(text);
    apply(m, transform([text.id], { sx: 0.5, sy: 1, ox: 50, oy: 220 }));
    const t = m.visibleItems()[0] as Text;
    expect(t.size).toBe(20);
    expect(t.w).toBe(Math.round(((textBounds(text).maxX - text.x) / 2) * 100) / 100);
    expect(textLines(t)).toEqual(["hello", "world"]);
  });

  it("undo (inverse scale or reshape) restores every item exactly, enlargements and shrinks alike", () => {
    const factor = fc.double({ min: 0.01, max: 100, noNaN: true });
    const origin = fc.double({ min: -1000, max: 1000, noNaN: true });
    fc.assert(
      fc.property(factor, factor, origin, origin, (sx, sy, ox, oy) => {
        const t = { sx, sy, ox, oy };
        const m = boardWith(...all);
        apply(m, transform(all.map((i) => i.id), t));
        if (m.visibleItems().every((item, i) => item === all[i])) return; // refused as a whole (a font out of range)
        apply(m, undoOf(all, t));
        expect(m.visibleItems()).toEqual(all);
      }),
      { numRuns: 500 },
    );
  });

  it("enlarging scales back exactly; a shrink that loses hundredths needs the reshape", () => {
    expect(scalesBackExactly(all, { sx: 1.5, sy: 1.5, ox: 3, oy: 7 })).toBe(true);
    expect(scalesBackExactly([stroke], { sx: 1 / 3, sy: 1 / 3, ox: 0, oy: 0 })).toBe(false);
  });

  it("is all or none: an item that would leave the range or the font limits stops the whole op", () => {
    const far: Item = { ...rect, id: "rect-far-01", x1: LIMITS.maxCoordinate - 10, x2: LIMITS.maxCoordinate - 1 };
    const m = boardWith(rect, far, text);
    apply(m, transform([rect.id, far.id], { sx: 2, sy: 1, ox: 0, oy: 0 }));
    expect(m.visibleItems()).toEqual([rect, far, text]);
    expect(scaleItem(text, { sx: 100, sy: 100, ox: 0, oy: 0 })).toBeNull(); // font 2,000 px
    expect(scaleItem(text, { sx: 0.1, sy: 0.1, ox: 0, oy: 0 })).toBeNull(); // font 2 px
  });

  it("the schema refuses zero, negative, NaN, infinite and huge scales, and mixed geometries", () => {
    const ok = transform([rect.id], { sx: 2, sy: 0.5, ox: 0, oy: 0 });
    expect(boardOpSchema.safeParse(ok).success).toBe(true);
    for (const sx of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, LIMITS.maxScale * 2, 1 / (LIMITS.maxScale * 2)]) {
      expect(boardOpSchema.safeParse({ ...ok, sx }).success, String(sx)).toBe(false);
    }
    expect(boardOpSchema.safeParse({ ...ok, ox: LIMITS.maxCoordinate * 2 }).success).toBe(false);
    expect(boardOpSchema.safeParse({ ...ok, itemIds: [] }).success).toBe(false);
    const reshape = (g: object) => boardOpSchema.safeParse({ type: "reshape", opId: newId(), items: [{ itemId: rect.id, ...g }] }).success;
    expect(reshape({ x1: 0, y1: 0, x2: 1, y2: 1 })).toBe(true);
    expect(reshape({ x: 0, y: 0, size: 20, w: 100 })).toBe(true);
    expect(reshape({ points: [1, 2, 3] })).toBe(false);
    expect(reshape({ x1: 0, y1: 0, x2: 1, y2: 1, points: [1, 2] })).toBe(false);
    expect(reshape({ x: 0, y: 0, size: 2 })).toBe(false);
    expect(reshape({ x: 0, y: 0, size: 20, w: 1 })).toBe(false);
    expect(boardOpSchema.safeParse({ type: "add", opId: newId(), item: { ...text, w: 0 } }).success).toBe(false);
    expect(boardOpSchema.safeParse({ type: "add", opId: newId(), item: { ...text, w: 300 } }).success).toBe(true);
  });

  it("a reshape names the kind it describes: geometry of another kind changes nothing", () => {
    const m = boardWith(rect, text);
    apply(m, { type: "reshape", opId: newId(), items: [{ itemId: rect.id, x: 1, y: 2, size: 30 }, { itemId: text.id, x: 1, y: 2, size: 30 }] });
    expect(m.visibleItems()).toEqual([rect, { ...text, x: 1, y: 2, size: 30 }]);
  });

  it("live previews carry a transform; protocol version 4", () => {
    expect(PROTOCOL_VERSION).toBe(4);
    expect(previewSchema.safeParse({ kind: "transform", itemIds: [rect.id], sx: 1.5, sy: 1, ox: 0, oy: 0 }).success).toBe(true);
    expect(previewSchema.safeParse({ kind: "transform", itemIds: [rect.id], sx: 0, sy: 1, ox: 0, oy: 0 }).success).toBe(false);
    expect(previewSchema.safeParse({ kind: "clear", of: "transform" }).success).toBe(true);
  });
});

describe("a node refuses a transform that would leave the range", () => {
  it("judges it against the board's log, as the fold would", async () => {
    const store = new SqliteBoardStore(mkdtempSync(path.join(tmpdir(), "meshboard-resize-")), { maxItemsPerBoard: 1000 });
    const range = new MoveRange((b, since) => new PageReader(store, { maxOps: 3, maxBytes: LIMITS.catchUpPageBytes }).read(b, since));
    const board = newId();
    await store.append(board, { op: { type: "add", opId: newId(), item: rect }, author: "a", at: 0 });
    const refused = await range.refusal(board, transform([rect.id], { sx: 10_000, sy: 1, ox: 0, oy: 0 }));
    expect(refused?.code).toBe("out_of_range");
    const fits = transform([rect.id], { sx: 1_000, sy: 1, ox: 0, oy: 0 });
    expect(await range.refusal(board, fits)).toBeNull();
    await store.append(board, { op: fits, author: "a", at: 0 });
    // Now at x 300,000: another x10 would pass the edge; the reshape back is a plain geometry.
    expect((await range.refusal(board, transform([rect.id], { sx: 10, sy: 1, ox: 0, oy: 0 })))?.code).toBe("out_of_range");
    await store.append(board, { op: { type: "reshape", opId: newId(), items: [geometryOf(rect)] }, author: "a", at: 0 });
    expect(await range.refusal(board, transform([rect.id], { sx: 10, sy: 1, ox: 0, oy: 0 }))).toBeNull();
    await store.close();
  });
});

describe("resize handles", () => {
  const box = resizeBox([rect])!;

  it("sit on the geometry (not the line's thickness), so a corner follows the pointer exactly", () => {
    expect(box).toEqual({ minX: 100, minY: 100, maxX: 300, maxY: 200 });
    const t = scaleForDrag(box, { h: 1, v: 1 }, 50, 30, false, 1);
    expect(scaleItem(rect, t)).toEqual({ ...rect, x2: 350, y2: 230 });
    const left = scaleForDrag(box, { h: -1, v: 0 }, -25.5, 999, false, 1);
    expect(scaleItem(rect, left)).toEqual({ ...rect, x1: 74.5 });
  });

  it("Shift keeps proportions (by the larger change); a drag past the opposite side stops at the minimum", () => {
    const t = scaleForDrag(box, { h: 1, v: 1 }, 50, 30, true, 1);
    expect(scaleItem(rect, t)).toEqual({ ...rect, x2: 360, y2: 230 });
    const squashed = scaleForDrag(box, { h: 1, v: 0 }, -500, 0, false, 1);
    expect(scaleItem(rect, squashed)).toEqual({ ...rect, x2: 101 });
  });

  it("a text alone has side and corner handles only; its corners keep proportions and scale font and wrap width", () => {
    expect(handlesFor([text]).every((h) => h.h !== 0)).toBe(true);
    expect(handlesFor([text, rect])).toHaveLength(8);
    expect(keepsProportions([text], { h: 1, v: 1 })).toBe(true);
    expect(keepsProportions([text], { h: 1, v: 0 })).toBe(false);
    expect(keepsProportions([text, rect], { h: 1, v: 1 })).toBe(false);
    const wrapped: Text = { ...text, w: 100 };
    expect(scaleItem(wrapped, { sx: 1.5, sy: 1.5, ox: 50, oy: 220 })).toEqual({ ...wrapped, size: 30, w: 150 });
  });
});

describe("text wrapping", () => {
  const long: Text = { ...text, text: "The quick brown fox jumps over the lazy dog\nsupercalifragilisticexpialidocious", w: 150 };

  it("wraps at words, breaks words longer than a line, keeps line breaks", () => {
    // 150 px at 20 px: 12 characters a line.
    expect(textLines(long)).toEqual(["The quick", "brown fox", "jumps over", "the lazy dog", "supercalifra", "gilisticexpi", "alidocious"]);
    expect(textLines({ ...long, w: undefined })).toEqual(long.text.split("\n"));
    expect(textBounds(long)).toMatchObject({ maxX: long.x + 150, maxY: long.y + 7 * 20 * 1.25 });
  });

  it("gives the same lines on the canvas and in the SVG", () => {
    const svg = renderSvg([long]);
    const spans = [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    const drawn: string[] = [];
    const ctx = { fillText: (line: string) => drawn.push(line) } as unknown as CanvasRenderingContext2D;
    paintItem(ctx, long);
    expect(spans).toEqual(textLines(long));
    expect(drawn).toEqual(textLines(long));
  });

  it("a 2,000-character text typed anew wraps at 60 characters; a short one does not wrap", () => {
    const words = "lorem ipsum dolor sit amet ".repeat(80).slice(0, 2000);
    const w = defaultWrapWidth({ text: words, size: 20 })!;
    expect(w).toBeCloseTo(60 * 20 * 0.62);
    const lines = textLines({ text: words, size: 20, w });
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(lines.length).toBeGreaterThan(30);
    expect(defaultWrapWidth({ text: "short note", size: 20 })).toBeUndefined();
  });
});
