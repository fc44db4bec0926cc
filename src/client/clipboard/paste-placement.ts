/**
 * Where pasted copies land. Pasted where their originals still are, they move
 * down and right (a little further at each paste of the same copy), so they never
 * hide them; from another board they keep their place if it is in view, and are
 * centred in the view otherwise (the originals may be anywhere).
 */
import { coordinateExtent, movedExtent, translateItem, unionBounds, type Rect } from "../../shared/item-layout.js";
import type { Item } from "../../shared/protocol.js";

/** How far each paste over the originals moves the copies (board pixels). */
export const PASTE_OFFSET = 24;

export interface PasteContext {
  /** The originals are on this board, shown. */
  originalsHere: boolean;
  /** Pastes of this same copy so far (the first paste: 0). */
  repeats: number;
  /** The board area in view. */
  view: Rect;
}

/** The shift (dx, dy) for the copies, or null when it would take them off the board. */
export function pasteShift(items: readonly Item[], ctx: PasteContext): { dx: number; dy: number } | null {
  const bounds = unionBounds(items, coordinateExtent);
  if (!bounds) return null;
  let dx = 0;
  let dy = 0;
  if (ctx.originalsHere) {
    dx = dy = PASTE_OFFSET * (ctx.repeats + 1);
  } else if (!overlaps(bounds, ctx.view)) {
    dx = Math.round((ctx.view.minX + ctx.view.maxX) / 2 - (bounds.minX + bounds.maxX) / 2);
    dy = Math.round((ctx.view.minY + ctx.view.maxY) / 2 - (bounds.minY + bounds.maxY) / 2);
  }
  return movedExtent(bounds, dx, dy) ? { dx, dy } : null;
}

/** Copies of `items` with new ids, shifted. */
export function pastedCopies(items: readonly Item[], shift: { dx: number; dy: number }, newId: () => string): Item[] {
  return items.map((i) => ({ ...translateItem(i, shift.dx, shift.dy), id: newId() }));
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}
