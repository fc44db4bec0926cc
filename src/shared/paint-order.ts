/**
 * The order a board's items are painted in (canvas, PNG, SVG, hit tests): by z,
 * lowest first, where an item without z has z = its creation seq, and ties paint
 * in creation order. An `order` op (bring to front / send to back) gives items a
 * z; until one does, the paint order is the creation order.
 */
import type { OrderChange } from "./protocol.js";

/** What the paint order needs of an item (BoardItem has it). */
export interface Ordered {
  seq: number;
  z?: number;
}

/** The item's place in the paint order. */
export function paintKey(b: Ordered): number {
  return b.z ?? b.seq;
}

/**
 * `items` (in creation order, as a board's map holds them) in paint order. Without
 * any z that is the creation order itself, and no sort is made.
 */
export function inPaintOrder<T extends Ordered>(items: Iterable<T>): T[] {
  const out = [...items];
  if (!out.some((b) => b.z !== undefined)) return out;
  // Array.prototype.sort is stable: equal keys keep creation order.
  return out.sort((a, b) => paintKey(a) - paintKey(b) || a.seq - b.seq);
}

/** Sets (or, with null, clears) an item's z, as an `order` op's change says. */
export function applyOrderChange(b: Ordered, change: Pick<OrderChange, "z">): void {
  if (change.z === null) delete b.z;
  else b.z = change.z;
}

/**
 * The changes that put `ids` (in their present paint order) in front of
 * everything (z from `front` up) or behind everything (z up to `back`), keeping
 * their order among themselves.
 */
export function arrangeChanges(ids: readonly string[], where: "front" | "back", limits: { front: number; back: number }): OrderChange[] {
  const first = where === "front" ? limits.front : limits.back - (ids.length - 1);
  return ids.map((itemId, i) => ({ itemId, z: first + i }));
}
