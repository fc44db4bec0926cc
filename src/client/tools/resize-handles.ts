/**
 * The select tool's resize handles (issue 13): where they sit around a
 * selection, which one the pointer grabs, and the scale a drag of one means.
 * Handles sit on the selection's geometry (stroke points, shape corners, text
 * boxes, without line thickness), so a rectangle's corner follows the pointer
 * exactly.
 */
import { coordinateExtent, textBounds, unionBounds, type Rect } from "../../shared/item-layout.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import type { Item } from "../../shared/protocol.js";
import type { Scale } from "../../shared/item-transform.js";
import type { Point } from "../canvas/viewport.js";

/** Which sides a handle drags: -1 the left (top), 1 the right (bottom), 0 neither. */
export interface Handle {
  h: -1 | 0 | 1;
  v: -1 | 0 | 1;
}

/** Half the side of a drawn handle, and how near (screen pixels) the pointer must be to grab one. */
export const HANDLE_PX = 4;
const GRAB_PX = 8;

const ALL: Handle[] = [
  { h: -1, v: -1 },
  { h: 0, v: -1 },
  { h: 1, v: -1 },
  { h: 1, v: 0 },
  { h: 1, v: 1 },
  { h: 0, v: 1 },
  { h: -1, v: 1 },
  { h: -1, v: 0 },
];

/** The box the handles sit on: texts by their box, everything else by its coordinates. */
export function resizeBox(items: readonly Item[]): Rect | null {
  return unionBounds(items, (i) => (i.kind === "text" ? textBounds(i) : coordinateExtent(i)));
}

/** Only texts: their corners always keep proportions, and there are no top and bottom handles (side handles set the wrap width). */
function textsOnly(items: readonly Item[]): boolean {
  return items.length > 0 && items.every((i) => i.kind === "text");
}

/** The handles a selection shows. */
export function handlesFor(items: readonly Item[]): Handle[] {
  return textsOnly(items) ? ALL.filter((h) => h.h !== 0) : ALL;
}

export function handlePoint(box: Rect, h: Handle): Point {
  return { x: h.h === -1 ? box.minX : h.h === 1 ? box.maxX : (box.minX + box.maxX) / 2, y: h.v === -1 ? box.minY : h.v === 1 ? box.maxY : (box.minY + box.maxY) / 2 };
}

/** The handle within reach of `p` (board coordinates at `zoom`), if any. */
export function grabbedHandle(items: readonly Item[], p: Point, zoom: number): Handle | null {
  const box = resizeBox(items);
  if (!box) return null;
  const reach = GRAB_PX / zoom;
  for (const h of handlesFor(items)) {
    const q = handlePoint(box, h);
    if (Math.abs(p.x - q.x) <= reach && Math.abs(p.y - q.y) <= reach) return h;
  }
  return null;
}

/**
 * The scale that drags handle `h` of `box` by (dx, dy) board pixels, the
 * opposite side staying put. `proportional` (Shift, or a text's corner) scales
 * both axes alike (by the larger change; an edge handle then scales about the
 * middle of the other axis). Never flips, and never shrinks a side below `min`.
 */
export function scaleForDrag(box: Rect, h: Handle, dx: number, dy: number, proportional: boolean, min: number): Scale {
  const w = box.maxX - box.minX;
  const ht = box.maxY - box.minY;
  const factor = (size: number, side: number, delta: number) =>
    side === 0 || size === 0 ? 1 : Math.min(LIMITS.maxScale, Math.max(size + side * delta, min, size / LIMITS.maxScale) / size);
  let sx = factor(w, h.h, dx);
  let sy = factor(ht, h.v, dy);
  let ox = h.h === 1 ? box.minX : h.h === -1 ? box.maxX : box.minX;
  let oy = h.v === 1 ? box.minY : h.v === -1 ? box.maxY : box.minY;
  if (proportional) {
    const s = h.h === 0 || w === 0 ? sy : h.v === 0 || ht === 0 ? sx : Math.max(sx, sy);
    if (h.h === 0) ox = (box.minX + box.maxX) / 2;
    if (h.v === 0) oy = (box.minY + box.maxY) / 2;
    sx = s;
    sy = s;
  }
  return { sx, sy, ox, oy };
}

/** Does a selection of these items with this handle keep proportions even without Shift? */
export function keepsProportions(items: readonly Item[], h: Handle): boolean {
  return textsOnly(items) && h.h !== 0 && h.v !== 0;
}

/** The CSS cursor that shows which way a handle drags. */
export function handleCursor(h: Handle): string {
  if (h.h === 0) return "ns-resize";
  if (h.v === 0) return "ew-resize";
  return h.h === h.v ? "nwse-resize" : "nesw-resize";
}
