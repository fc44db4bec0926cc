/** Shapes, texts, move and edit: validation, geometry, the fold, and the SVG renderer. */
import { describe, expect, it } from "vitest";
import { BoardModel } from "../../src/shared/board-model.js";
import { arrowHead, itemBounds, shapeBox, textBounds, translateItem } from "../../src/shared/item-layout.js";
import { LIMITS, SHAPE_KINDS, boardOpSchema, type BoardOp, type Item, type Shape, type Text } from "../../src/shared/protocol.js";
import { escapeXml, renderSvg } from "../../src/shared/svg-export.js";
import { ellipseOutlineDistance, itemHit, itemsInside } from "../../src/client/board/item-geometry.js";
import { snapAngle, squareCorner } from "../../src/client/tools/constrain.js";
import { editOp, moveOp, newId, shapeOp, strokeOp, textOp } from "../helpers/board-client.js";

function valid(op: unknown): boolean {
  return boardOpSchema.safeParse(op).success;
}

function fold(ops: BoardOp[], author = "alice"): BoardModel {
  const m = new BoardModel();
  ops.forEach((op, i) => m.apply({ seq: i + 1, op, author, at: 0 }));
  return m;
}

const shape = (s: Partial<Shape> = {}): Shape => ({ ...(shapeOp().item as Shape), ...s });
const text = (t: Partial<Text> = {}): Text => ({ ...(textOp().item as Text), ...t });

describe("shape validation", () => {
  it.each(SHAPE_KINDS)("accepts a %s", (kind) => {
    expect(valid(shapeOp(kind))).toBe(true);
  });

  it("rejects unknown shapes, bad corners, colours and widths", () => {
    const op = shapeOp();
    for (const item of [
      { ...op.item, shape: "star" },
      { ...op.item, x1: Number.NaN },
      { ...op.item, y2: LIMITS.maxCoordinate + 1 },
      { ...op.item, x2: "5" },
      { ...op.item, color: "blue" },
      { ...op.item, width: LIMITS.maxWidth + 1 },
      { ...op.item, points: undefined, x1: undefined },
    ]) {
      expect(valid({ ...op, item }), JSON.stringify(item)).toBe(false);
    }
  });
});

describe("text validation", () => {
  it("accepts multi-line text up to the limit, with tabs", () => {
    expect(valid(textOp("two\nlines\twith a tab"))).toBe(true);
    expect(valid(textOp("x".repeat(LIMITS.maxTextLength)))).toBe(true);
  });

  it("rejects empty and too long texts, control characters and bad font sizes, with clear messages", () => {
    const tooLong = boardOpSchema.safeParse(textOp("x".repeat(LIMITS.maxTextLength + 1)));
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0].message).toBe(`a text holds at most ${LIMITS.maxTextLength} characters`);
    expect(valid(textOp(""))).toBe(false);
    expect(valid(textOp("bell\u0007"))).toBe(false);
    expect(valid(textOp("nul\u0000"))).toBe(false);
    const op = textOp();
    expect(valid({ ...op, item: { ...op.item, size: LIMITS.minFontSize - 1 } })).toBe(false);
    expect(valid({ ...op, item: { ...op.item, size: LIMITS.maxFontSize + 1 } })).toBe(false);
    expect(valid({ ...op, item: { ...op.item, x: Number.POSITIVE_INFINITY } })).toBe(false);
  });
});

describe("move and edit validation", () => {
  it("accepts well-formed moves and edits", () => {
    expect(valid(moveOp([newId(), newId()], -12.5, 40))).toBe(true);
    expect(valid(editOp(newId(), "new text"))).toBe(true);
  });

  it("rejects moves without targets, with too many, or too far; edits that are empty or too long", () => {
    expect(valid(moveOp([], 1, 1))).toBe(false);
    expect(valid(moveOp(Array.from({ length: LIMITS.maxTargetsPerOp + 1 }, () => newId()), 1, 1))).toBe(false);
    expect(valid(moveOp([newId()], 2 * LIMITS.maxCoordinate + 1, 0))).toBe(false);
    expect(valid(moveOp([newId()], Number.NaN, 0))).toBe(false);
    expect(valid(editOp(newId(), ""))).toBe(false);
    expect(valid(editOp(newId(), "x".repeat(LIMITS.maxTextLength + 1)))).toBe(false);
    expect(valid(editOp("bad id", "x"))).toBe(false);
  });
});

describe("applying moves and edits", () => {
  it("moves every kind of item, and the opposite move puts them back exactly", () => {
    const s = strokeOp([10.1, 20.2, 30.3, 40.4]);
    const r = shapeOp("rect", [0, 0, 50, 20]);
    const t = textOp("hi", 5, 5);
    const ids = [s.item.id, r.item.id, t.item.id];
    const moved = fold([s, r, t, moveOp(ids, 5.33, -7.1)]);
    expect(moved.items.get(s.item.id)!.item).toMatchObject({ points: [15.43, 13.1, 35.63, 33.3] });
    expect(moved.items.get(r.item.id)!.item).toMatchObject({ x1: 5.33, y1: -7.1, x2: 55.33, y2: 12.9 });
    expect(moved.items.get(t.item.id)!.item).toMatchObject({ x: 10.33, y: -2.1 });
    const back = fold([s, r, t, moveOp(ids, 5.33, -7.1), moveOp(ids, -5.33, 7.1)]);
    expect(back.visibleItems()).toEqual([s.item, r.item, t.item]);
  });

  it("never mutates an item (a copy of the map keeps the original)", () => {
    const r = shapeOp();
    const m = fold([r]);
    const before = m.items.get(r.item.id)!.item;
    const overlay = new Map([...m.items].map(([id, b]) => [id, { ...b }]));
    const m2 = new BoardModel();
    for (const [id, b] of overlay) m2.items.set(id, b);
    m2.head = m.head;
    m2.apply({ seq: 2, op: moveOp([r.item.id], 10, 10), author: "bob", at: 0 });
    expect(m.items.get(r.item.id)!.item).toBe(before);
    expect(before).toEqual(r.item);
  });

  it("moves hidden items too, and ignores unknown ids and duplicate ids", () => {
    const r = shapeOp("rect", [0, 0, 10, 10]);
    const m = fold([r, { type: "remove", opId: newId(), itemIds: [r.item.id] }, moveOp([r.item.id, r.item.id, newId()], 1, 2)]);
    expect(m.items.get(r.item.id)!.item).toMatchObject({ x1: 1, y1: 2 });
    expect(m.visibleItems()).toEqual([]);
  });

  it("edits texts only, and the edit back restores the text", () => {
    const t = textOp("first");
    const r = shapeOp();
    const m = fold([t, r, editOp(t.item.id, "second"), editOp(r.item.id, "not a text")]);
    expect(m.items.get(t.item.id)!.item).toMatchObject({ text: "second", x: t.item.kind === "text" ? t.item.x : 0 });
    expect(m.items.get(r.item.id)!.item).toEqual(r.item);
    const undone = fold([t, r, editOp(t.item.id, "second"), editOp(t.item.id, "first")]);
    expect(undone.items.get(t.item.id)!.item).toEqual(t.item);
  });
});

describe("geometry", () => {
  it("normalises boxes and bounds shapes by their line width", () => {
    expect(shapeBox({ x1: 50, y1: 40, x2: 10, y2: 0 })).toEqual({ minX: 10, minY: 0, maxX: 50, maxY: 40 });
    expect(itemBounds(shape({ shape: "rect", x1: 50, y1: 40, x2: 10, y2: 0, width: 4 }))).toEqual({ minX: 8, minY: -2, maxX: 52, maxY: 42 });
  });

  it("puts an arrow's head at its end, pointing back along the shaft", () => {
    const [lx, ly, rx, ry] = arrowHead({ x1: 0, y1: 0, x2: 100, y2: 0, width: 4 });
    expect(lx).toBeLessThan(100);
    expect(rx).toBeLessThan(100);
    expect(Math.sign(ly)).toBe(-Math.sign(ry));
    expect(Math.abs(ly)).toBeCloseTo(Math.abs(ry));
  });

  it("grows a text's bounds with its longest line and line count", () => {
    const one = textBounds(text({ text: "abc", size: 20, x: 0, y: 0 }));
    const two = textBounds(text({ text: "abc\nabcdef", size: 20, x: 0, y: 0 }));
    expect(two.maxX).toBeGreaterThan(one.maxX);
    expect(two.maxY).toBeCloseTo(one.maxY * 2);
  });

  it("hits outlines of rectangles and ellipses, not their insides; texts anywhere in their box", () => {
    const rect = shape({ shape: "rect", x1: 0, y1: 0, x2: 100, y2: 100, width: 2 });
    expect(itemHit(rect, 0, 50, 1)).toBe(true);
    expect(itemHit(rect, 50, 50, 1)).toBe(false);
    const ellipse = shape({ shape: "ellipse", x1: 0, y1: 0, x2: 200, y2: 100, width: 2 });
    expect(itemHit(ellipse, 200, 50, 1)).toBe(true);
    expect(itemHit(ellipse, 100, 0, 1)).toBe(true);
    expect(itemHit(ellipse, 100, 50, 1)).toBe(false);
    expect(ellipseOutlineDistance(ellipse, 100, 50)).toBeGreaterThan(40);
    const line = shape({ shape: "line", x1: 0, y1: 0, x2: 100, y2: 100, width: 2 });
    expect(itemHit(line, 50, 50, 1)).toBe(true);
    expect(itemHit(line, 50, 60, 1)).toBe(false);
    const t = text({ text: "hello", size: 20, x: 0, y: 0 });
    expect(itemHit(t, 10, 10, 0)).toBe(true);
    expect(itemHit(t, 10, 100, 0)).toBe(false);
  });

  it("selects by box only what lies entirely inside it", () => {
    const a = shape({ x1: 0, y1: 0, x2: 10, y2: 10 });
    const b = shape({ x1: 0, y1: 0, x2: 500, y2: 10 });
    expect(itemsInside([a, b], { minX: -10, minY: -10, maxX: 100, maxY: 100 })).toEqual([a]);
  });

  it("translates without touching the original", () => {
    const t = text({ x: 1, y: 2 });
    const moved = translateItem(t, 3, 4);
    expect(moved).toMatchObject({ x: 4, y: 6, text: t.text });
    expect(t).toMatchObject({ x: 1, y: 2 });
  });

  it("moves to +0, never -0, which JSON (a stored snapshot) cannot hold", () => {
    const moved = translateItem(text({ x: -5e-324, y: -0.001 }), 0, 0.001);
    expect(Object.is(moved.kind === "text" && moved.x, 0)).toBe(true);
    expect(Object.is(moved.kind === "text" && moved.y, 0)).toBe(true);
  });

  it("constrains with Shift: 45° lines, squares (and circles)", () => {
    expect(snapAngle({ x: 0, y: 0 }, { x: 100, y: 10 })).toEqual({ x: 100.498756, y: 0 });
    const diag = snapAngle({ x: 0, y: 0 }, { x: 100, y: 90 });
    expect(diag.x).toBeCloseTo(diag.y);
    expect(squareCorner({ x: 10, y: 10 }, { x: 60, y: 30 })).toEqual({ x: 60, y: 60 });
    expect(squareCorner({ x: 10, y: 10 }, { x: -20, y: 0 })).toEqual({ x: -20, y: -20 });
  });
});

describe("SVG export", () => {
  const items: Item[] = [
    strokeOp([0, 0, 10, 10, 20, 0]).item,
    strokeOp([5, 5]).item,
    ...SHAPE_KINDS.map((k) => shapeOp(k, [0, 0, 100, 50]).item),
    textOp("line one\nline two").item,
  ];

  it("renders every kind inside a viewBox that covers the whole board", () => {
    const svg = renderSvg(items, { background: "#ffffff" });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const tag of ["<path", "<circle", "<line", "<rect", "<ellipse", "<text", "<tspan"]) expect(svg).toContain(tag);
    expect(svg).toContain(">line one</tspan>");
    const [, x, y, w, h] = /viewBox="(\S+) (\S+) (\S+) (\S+)"/.exec(svg)!.map(Number);
    expect(x).toBeLessThan(0);
    expect(y).toBeLessThan(0);
    expect(x + w).toBeGreaterThan(100);
    expect(y + h).toBeGreaterThan(50);
  });

  it("keeps a <script> typed into a text inert: escaped, never an element", () => {
    const evil = `<script>alert(1)</script> & "quotes" 'too' ]]>`;
    const svg = renderSvg([textOp(evil).item]);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &apos;too&apos; ]]&gt;");
    // Exactly the renderer's own elements: nothing the text said became markup.
    const tags = [...svg.matchAll(/<([a-zA-Z]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(["svg", "text", "tspan"]));
  });

  it("drops characters XML cannot hold", () => {
    expect(escapeXml("a\u0000b\u0008c\td\ne")).toBe("abc\td\ne");
  });

  it("gives an empty board a small valid picture", () => {
    expect(renderSvg([])).toMatch(/^<svg[^>]+viewBox="-32 -32 64 64">\n<\/svg>$/);
  });
});
