/** Where items are: bounds (for culling and export) and hit tests (for the eraser), per kind. */
import type { Item, Stroke } from "../../shared/protocol.js";
import type { Rect } from "../canvas/viewport.js";

type ItemOfKind<K extends Item["kind"]> = Extract<Item, { kind: K }>;

interface Geometry<K extends Item["kind"]> {
  bounds(item: ItemOfKind<K>): Rect;
  /** Does a disc of radius `r` at (x, y) touch the item? */
  hits(item: ItemOfKind<K>, x: number, y: number, r: number): boolean;
}

const geometries: { [K in Item["kind"]]: Geometry<K> } = {
  stroke: { bounds: strokeBounds, hits: strokeHits },
};

function geometryOf(item: Item): Geometry<Item["kind"]> {
  return geometries[item.kind] as Geometry<Item["kind"]>;
}

const boundsCache = new WeakMap<Item, Rect>();

/** Bounds including the item's own thickness. */
export function itemBounds(item: Item): Rect {
  let b = boundsCache.get(item);
  if (!b) {
    b = geometryOf(item).bounds(item);
    boundsCache.set(item, b);
  }
  return b;
}

export function itemHit(item: Item, x: number, y: number, r: number): boolean {
  const b = itemBounds(item);
  if (x < b.minX - r || x > b.maxX + r || y < b.minY - r || y > b.maxY + r) return false;
  return geometryOf(item).hits(item, x, y, r);
}

/** The topmost item touched by the disc, if any. */
export function topmostHit(items: readonly Item[], x: number, y: number, r: number): Item | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (itemHit(items[i], x, y, r)) return items[i];
  return undefined;
}

/** Union of the items' bounds, or null for none. */
export function unionBounds(items: readonly Item[]): Rect | null {
  if (items.length === 0) return null;
  const u: Rect = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const item of items) {
    const b = itemBounds(item);
    u.minX = Math.min(u.minX, b.minX);
    u.minY = Math.min(u.minY, b.minY);
    u.maxX = Math.max(u.maxX, b.maxX);
    u.maxY = Math.max(u.maxY, b.maxY);
  }
  return u;
}

function strokeBounds(s: Stroke): Rect {
  const p = s.points;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    minX = Math.min(minX, p[i]);
    maxX = Math.max(maxX, p[i]);
    minY = Math.min(minY, p[i + 1]);
    maxY = Math.max(maxY, p[i + 1]);
  }
  const h = s.width / 2;
  return { minX: minX - h, minY: minY - h, maxX: maxX + h, maxY: maxY + h };
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
