/**
 * Restyling (the `style` op): colour, width and fill apply per kind, the op and
 * its inverse round-trip on the board, the schema refuses bad changes, and the
 * SVG renders fills.
 */
import { describe, expect, it } from "vitest";
import { BoardModel } from "../../src/shared/board-model.js";
import { restyleDelta } from "../../src/shared/item-style.js";
import { boardOpSchema, type Item, type StyleChange } from "../../src/shared/protocol.js";
import { renderSvg } from "../../src/shared/svg-export.js";

const rect: Item = { kind: "shape", id: "rect-0001", shape: "rect", color: "#1e1e24", width: 4, x1: 0, y1: 0, x2: 100, y2: 50 };
const line: Item = { kind: "shape", id: "line-0001", shape: "line", color: "#1e1e24", width: 4, x1: 0, y1: 0, x2: 100, y2: 50 };
const text: Item = { kind: "text", id: "text-0001", color: "#1e1e24", size: 20, x: 0, y: 0, text: "hi" };

function boardWith(...items: Item[]): BoardModel {
  const m = new BoardModel();
  items.forEach((item, i) => m.apply({ seq: i + 1, op: { type: "add", opId: `add-op-000${i}`, item }, author: "a", at: 0 }));
  return m;
}

describe("style op", () => {
  it("applies colour to every kind, width where there is one, fill to rectangles and ellipses; its inverse restores", () => {
    const m = boardWith(rect, line, text);
    const change = { color: "#e03131", width: 16, fill: "solid" as const };
    const deltas = [rect, line, text].map((i) => restyleDelta(i, change)!);
    expect(deltas.map((d) => d.after)).toEqual([
      { itemId: "rect-0001", color: "#e03131", width: 16, fill: "solid" },
      { itemId: "line-0001", color: "#e03131", width: 16 },
      { itemId: "text-0001", color: "#e03131" },
    ]);
    const apply = (changes: StyleChange[], seq: number) => m.apply({ seq, op: { type: "style", opId: `style-op-${seq}`, changes }, author: "a", at: 0 });
    apply(deltas.map((d) => d.after), 4);
    expect(m.visibleItems()).toEqual([
      { ...rect, color: "#e03131", width: 16, fill: "solid" },
      { ...line, color: "#e03131", width: 16 },
      { ...text, color: "#e03131" },
    ]);
    apply(deltas.map((d) => d.before), 5);
    expect(m.visibleItems()).toEqual([rect, line, text]);
  });

  it("changes nothing that already is so", () => {
    expect(restyleDelta(rect, { color: rect.color, fill: "none" })).toBeNull();
    expect(restyleDelta(text, { width: 8 })).toBeNull();
  });

  it("the schema refuses empty, oversized and malformed changes", () => {
    const op = (changes: unknown) => boardOpSchema.safeParse({ type: "style", opId: "style-op-1", changes }).success;
    expect(op([{ itemId: "rect-0001", color: "#e03131" }])).toBe(true);
    expect(op([])).toBe(false);
    expect(op([{ itemId: "rect-0001", color: "red" }])).toBe(false);
    expect(op([{ itemId: "rect-0001", width: 0 }])).toBe(false);
    expect(op([{ itemId: "rect-0001", fill: "striped" }])).toBe(false);
    expect(op(Array.from({ length: 5_001 }, () => ({ itemId: "rect-0001" })))).toBe(false);
  });

  it("the SVG fills solid and translucent shapes in their colour", () => {
    const svg = renderSvg([
      { ...rect, fill: "solid" },
      { ...rect, id: "rect-0002", shape: "ellipse", fill: "translucent" },
    ] as Item[]);
    expect(svg).toMatch(/<rect [^>]*fill="#1e1e24"/);
    expect(svg).toMatch(/<ellipse [^>]*fill="#1e1e24" fill-opacity="0.25"/);
  });
});
