/** Where items are: bounds (for culling, selection and export) and hit tests (for the eraser and select tool), per kind. */
import { arrowHead, itemBounds as computeBounds, shapeBox, unionBounds as sharedUnionBounds, type Rect } from "../../shared/item-layout.js";
import type { Item, Shape, Stroke, Text } from "../../shared/protocol.js";

type ItemOfKind<K extends Item["kind"]> = Extract<Item, { kind: K }>;
/** Does a disc of radius `r` at (x, y) touch the item? */
type Hit<K extends Item["kind"]> = (item: ItemOfKind<K>, x: number, y: number, r: number) => boolean;

const hitTests: { [K in Item["kind"]]: Hit<K> } = {
  stroke: strokeHits,
  shape: shapeHits,
  text: textHits,
};

const boundsCache = new WeakMap<Item, Rect>();

/** Bounds including the item's own thickness (cached: items are immutable). */
export function itemBounds(item: Item): Rect {
  let b = boundsCache.get(item);
  if (!b) {
    b = computeBounds(item);
    boundsCache.set(item, b);
  }
  return b;
}

export function itemHit(item: Item, x: number, y: number, r: number): boolean {
  const b = itemBounds(item);
  if (x < b.minX - r || x > b.maxX + r || y < b.minY - r || y > b.maxY + r) return false;
  return (hitTests[item.kind] as Hit<Item["kind"]>)(item, x, y, r);
}

/** The topmost item touched by the disc, if any. */
export function topmostHit(items: readonly Item[], x: number, y: number, r: number): Item | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (itemHit(items[i], x, y, r)) return items[i];
  return undefined;
}

/** Items whose bounds lie entirely inside `box`. */
export function itemsInside(items: readonly Item[], box: Rect): Item[] {
  return items.filter((item) => {
    const b = itemBounds(item);
    return b.minX >= box.minX && b.maxX <= box.maxX && b.minY >= box.minY && b.maxY <= box.maxY;
  });
}

/** Union of the items' bounds, or null for none. */
export function unionBounds(items: readonly Item[]): Rect | null {
  return sharedUnionBounds(items, itemBounds);
}

function strokeHits(s: Stroke, x: number, y: number, r: number): boolean {
  const p = s.points;
  const reach = r + s.width / 2;
  const reach2 = reach * reach;
  if (p.length === 2) return dist2(x, y, p[0], p[1]) <= reach2;
  for (let i = 0; i + 3 < p.length; i += 2) {
    if (segmentDist2(x, y, p[i], p[i + 1], p[i + 2], p[i + 3]) <= reach2) return true;
  }
  return false;
}

/** Outlines, and the inside of a filled rectangle or ellipse; an unfilled one is hollow, so what is inside stays reachable. */
function shapeHits(s: Shape, x: number, y: number, r: number): boolean {
  if (s.fill && s.fill !== "none" && filledInside(s, x, y)) return true;
  const reach = r + s.width / 2;
  const reach2 = reach * reach;
  const near = (ax: number, ay: number, bx: number, by: number) => segmentDist2(x, y, ax, ay, bx, by) <= reach2;
  switch (s.shape) {
    case "line":
      return near(s.x1, s.y1, s.x2, s.y2);
    case "arrow": {
      const [lx, ly, rx, ry] = arrowHead(s);
      return near(s.x1, s.y1, s.x2, s.y2) || near(lx, ly, s.x2, s.y2) || near(rx, ry, s.x2, s.y2);
    }
    case "rect": {
      const b = shapeBox(s);
      return (
        near(b.minX, b.minY, b.maxX, b.minY) ||
        near(b.maxX, b.minY, b.maxX, b.maxY) ||
        near(b.maxX, b.maxY, b.minX, b.maxY) ||
        near(b.minX, b.maxY, b.minX, b.minY)
      );
    }
    case "ellipse":
      return ellipseOutlineDistance(s, x, y) <= reach;
  }
}

function filledInside(s: Shape, x: number, y: number): boolean {
  const b = shapeBox(s);
  if (s.shape === "rect") return x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY;
  if (s.shape !== "ellipse") return false;
  const rx = (b.maxX - b.minX) / 2;
  const ry = (b.maxY - b.minY) / 2;
  if (rx <= 0 || ry <= 0) return false;
  return ((x - (b.minX + rx)) / rx) ** 2 + ((y - (b.minY + ry)) / ry) ** 2 <= 1;
}

/** Distance from (x, y) to the ellipse's outline along the ray from its centre (≥ the true distance). */
export function ellipseOutlineDistance(s: Pick<Shape, "x1" | "y1" | "x2" | "y2">, x: number, y: number): number {
  const b = shapeBox(s);
  const cx = (b.minX + b.maxX) / 2;
  const cy = (b.minY + b.maxY) / 2;
  const rx = Math.max((b.maxX - b.minX) / 2, 1e-6);
  const ry = Math.max((b.maxY - b.minY) / 2, 1e-6);
  const len = Math.hypot(x - cx, y - cy);
  if (len === 0) return Math.min(rx, ry);
  const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
  return Math.abs(len - len / d);
}

/** A text is a block: anywhere on its box counts. */
function textHits(_t: Text, _x: number, _y: number, _r: number): boolean {
  return true; // the bounds check in itemHit already decided
}

function dist2(ax: number, ay: number, bx: number, by: number): number {
  return (ax - bx) ** 2 + (ay - by) ** 2;
}

/** Squared distance from (px, py) to the segment a–b. */
function segmentDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return dist2(px, py, ax + t * dx, ay + t * dy);
}
