/**
 * Paint order (the `order` op): z moves items in the paint order, its inverse
 * (the old z values, null for none) restores it exactly, the schema bounds the
 * op, compaction and snapshot pages keep z, and the client's displayed board puts
 * a selection in front of everything, pending items included.
 */
import { describe, expect, it } from "vitest";
import { DisplayedBoard } from "../../src/client/board/displayed-board.js";
import { BoardModel } from "../../src/shared/board-model.js";
import { arrangeChanges, inPaintOrder } from "../../src/shared/paint-order.js";
import { LIMITS, boardOpSchema, snapshotItemSchema, type BoardOp, type Item, type OrderChange, type SequencedOp } from "../../src/shared/protocol.js";
import { renderSvg } from "../../src/shared/svg-export.js";
import { fold, opWeight } from "../../src/server/board/compaction-policy.js";
import { snapshotPages } from "../../src/server/board/snapshot-pages.js";

const rect = (id: string, color = "#1e1e24"): Item => ({ kind: "shape", id, shape: "rect", color, width: 4, x1: 0, y1: 0, x2: 100, y2: 50 });
const a = rect("item-aaaa"), b = rect("item-bbbb", "#e03131"), c = rect("item-cccc", "#2f9e44");

function boardWith(...items: Item[]): BoardModel {
  const m = new BoardModel();
  items.forEach((item, i) => m.apply({ seq: i + 1, op: { type: "add", opId: `add-op-000${i}`, item }, author: "a", at: 0 }));
  return m;
}

const order = (changes: OrderChange[], n = 0): BoardOp => ({ type: "order", opId: `order-op-${n}-xx`, changes });
const applyTo = (m: BoardModel, op: BoardOp): boolean => m.apply({ seq: m.head + 1, op, author: "a", at: 0 });
const ids = (m: BoardModel): string[] => m.visibleItems().map((i) => i.id);

describe("order op", () => {
  it("brings an item to the front and sends one to the back; the inverse restores creation order", () => {
    const m = boardWith(a, b, c);
    expect(ids(m)).toEqual(["item-aaaa", "item-bbbb", "item-cccc"]);
    applyTo(m, order([{ itemId: "item-aaaa", z: 4 }], 1));
    expect(ids(m)).toEqual(["item-bbbb", "item-cccc", "item-aaaa"]);
    applyTo(m, order([{ itemId: "item-cccc", z: 0 }], 2));
    expect(ids(m)).toEqual(["item-cccc", "item-bbbb", "item-aaaa"]);
    // The inverses, last first: old values, null where there was no z.
    applyTo(m, order([{ itemId: "item-cccc", z: null }], 3));
    applyTo(m, order([{ itemId: "item-aaaa", z: null }], 4));
    expect(ids(m)).toEqual(["item-aaaa", "item-bbbb", "item-cccc"]);
    expect([...m.items.values()].every((x) => x.z === undefined)).toBe(true);
  });

  it("equal z paints in creation order; unknown ids change nothing; hidden items keep their z", () => {
    const m = boardWith(a, b, c);
    applyTo(m, order([{ itemId: "item-cccc", z: 1 }, { itemId: "nobody-here", z: 9 }], 1));
    expect(ids(m)).toEqual(["item-aaaa", "item-cccc", "item-bbbb"]);
    applyTo(m, { type: "remove", opId: "remove-op-1", itemIds: ["item-aaaa"] });
    applyTo(m, order([{ itemId: "item-aaaa", z: 10 }], 2));
    applyTo(m, { type: "restore", opId: "restore-op-1", itemIds: ["item-aaaa"] });
    expect(ids(m)).toEqual(["item-cccc", "item-bbbb", "item-aaaa"]);
  });

  it("a new item paints in front of one brought to the front before it", () => {
    const m = boardWith(a, b);
    applyTo(m, order([{ itemId: "item-aaaa", z: 3 }]));
    applyTo(m, { type: "add", opId: "add-op-late", item: c });
    expect(ids(m)).toEqual(["item-bbbb", "item-aaaa", "item-cccc"]);
  });

  it("the SVG paints in the same order", () => {
    const m = boardWith(a, b);
    applyTo(m, order([{ itemId: "item-aaaa", z: 5 }]));
    const svg = renderSvg(m.visibleItems());
    expect(svg.indexOf("#e03131")).toBeLessThan(svg.indexOf("#1e1e24"));
  });

  it("the schema takes integer z within ±MAX_SAFE_INTEGER or null, 1 to maxTargetsPerOp changes", () => {
    const ok = (changes: unknown) => boardOpSchema.safeParse({ type: "order", opId: "order-op-xx", changes }).success;
    expect(ok([{ itemId: "item-aaaa", z: 3 }])).toBe(true);
    expect(ok([{ itemId: "item-aaaa", z: null }])).toBe(true);
    expect(ok([{ itemId: "item-aaaa", z: -Number.MAX_SAFE_INTEGER }])).toBe(true);
    expect(ok([])).toBe(false);
    expect(ok([{ itemId: "item-aaaa" }])).toBe(false);
    expect(ok([{ itemId: "item-aaaa", z: 1.5 }])).toBe(false);
    expect(ok([{ itemId: "item-aaaa", z: Number.MAX_SAFE_INTEGER + 2 }])).toBe(false);
    expect(ok([{ itemId: "item-aaaa", z: Infinity }])).toBe(false);
    expect(ok([{ itemId: "bad id!", z: 1 }])).toBe(false);
    const many = Array.from({ length: LIMITS.maxTargetsPerOp + 1 }, (_, i) => ({ itemId: `item-${String(i).padStart(6, "0")}`, z: i }));
    expect(ok(many.slice(1))).toBe(true);
    expect(ok(many)).toBe(false);
  });

  it("weighs like a move for compaction: 1 plus the items it names", () => {
    expect(opWeight(order([{ itemId: "item-aaaa", z: 1 }, { itemId: "item-bbbb", z: 2 }]))).toBe(3);
  });
});

describe("paint order survives compaction", () => {
  it("fold keeps z, snapshot pages carry it, and a board loaded from them paints alike", () => {
    const m = boardWith(a, b, c);
    applyTo(m, order([{ itemId: "item-aaaa", z: 9 }]));
    const ops: SequencedOp[] = [a, b, c].map((item, i) => ({ seq: i + 1, op: { type: "add", opId: `add-op-000${i}`, item }, author: "a", at: 0 }));
    ops.push({ seq: 4, op: order([{ itemId: "item-aaaa", z: 9 }]), author: "a", at: 0 });
    const snapshot = fold(null, ops);
    expect(snapshot.items.find((s) => s.item.id === "item-aaaa")?.z).toBe(9);
    expect(snapshot.items.find((s) => s.item.id === "item-bbbb")).not.toHaveProperty("z");
    const pages = [...snapshotPages(snapshot)];
    for (const p of pages) for (const s of p.items) expect(snapshotItemSchema.safeParse(s).success).toBe(true);
    const loaded = new BoardModel();
    loaded.load(snapshot.seq, snapshot.opId, pages.flatMap((p) => p.items));
    expect(ids(loaded)).toEqual(ids(m));
    // Folding again onto the snapshot keeps it too.
    const again = fold(snapshot, [{ seq: 5, op: order([{ itemId: "item-bbbb", z: 10 }]), author: "a", at: 0 }]);
    const reloaded = new BoardModel();
    reloaded.load(again.seq, again.opId, again.items);
    expect(ids(reloaded)).toEqual(["item-cccc", "item-aaaa", "item-bbbb"]);
  });
});

describe("arranging on the client", () => {
  it("arrangeChanges keeps the selection's own order, in front or behind", () => {
    expect(arrangeChanges(["x1", "x2"], "front", { front: 10, back: -3 })).toEqual([
      { itemId: "x1", z: 10 },
      { itemId: "x2", z: 11 },
    ]);
    expect(arrangeChanges(["x1", "x2"], "back", { front: 10, back: -3 })).toEqual([
      { itemId: "x1", z: -4 },
      { itemId: "x2", z: -3 },
    ]);
  });

  it("the displayed board's limits lie beyond every item, pending ones and the seqs they will get included", () => {
    const m = boardWith(a, b);
    const pending: BoardOp[] = [{ type: "add", opId: "add-op-pend", item: c }, order([{ itemId: "item-aaaa", z: 7 }])];
    const shown = new DisplayedBoard(
      () => m,
      () => pending,
    );
    expect(shown.items().map((i) => i.id)).toEqual(["item-bbbb", "item-aaaa", "item-cccc"]);
    expect(shown.orderLimits()).toEqual({ front: 8, back: 1 });
    expect(shown.zOf("item-aaaa")).toBe(7);
    expect(shown.zOf("item-bbbb")).toBeNull();
    // Without z anywhere, the limits follow the head and the pending ops (the seqs they will take).
    pending.pop();
    shown.invalidate();
    expect(shown.orderLimits()).toEqual({ front: 4, back: 0 });
  });

  it("inPaintOrder leaves a board without z in creation order", () => {
    const list = [{ seq: 2 }, { seq: 1 }];
    expect(inPaintOrder(list)).toEqual(list);
  });
});
