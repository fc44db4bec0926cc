/**
 * Resizing (issue 13): how a `transform` scales items about an origin, how a
 * `reshape` puts an item's exact geometry back, and which of the two undoes a
 * given transform exactly. Shared by the board fold (every replica), the
 * server's range check, the select tool and the peers' live previews, so a
 * resize looks the same everywhere while dragged and once committed.
 */
import { hundredths as at, naturalTextWidth } from "./item-layout.js";
import { LIMITS } from "./protocol-constants.js";
import type { Geometry, Item } from "./protocol.js";

/** Scale by (sx, sy) about (ox, oy); factors are positive (a resize never flips). */
export interface Scale {
  sx: number;
  sy: number;
  ox: number;
  oy: number;
}

/**
 * A copy of the item scaled, or null when the result would leave the limits
 * (a coordinate past ±maxCoordinate, a font size or wrap width out of range):
 * the op then changes nothing rather than clamping, so undo stays exact.
 * Coordinates are rounded to hundredths, as everywhere on the board.
 * Texts: the anchor scales; a uniform scale scales the font size and any wrap
 * width; a non-uniform one keeps the font and sets the wrap width to the
 * text's width times sx (a side handle drags where the text wraps).
 */
export function scaleItem(item: Item, t: Scale): Item | null {
  const x = (v: number) => at(t.ox + (v - t.ox) * t.sx);
  const y = (v: number) => at(t.oy + (v - t.oy) * t.sy);
  let out: Item;
  switch (item.kind) {
    case "stroke":
      out = { ...item, points: item.points.map((v, i) => (i % 2 === 0 ? x(v) : y(v))) };
      return inRange(out.points) ? out : null;
    case "shape":
      out = { ...item, x1: x(item.x1), y1: y(item.y1), x2: x(item.x2), y2: y(item.y2) };
      return inRange([out.x1, out.y1, out.x2, out.y2]) ? out : null;
    case "text": {
      const text = { ...item, x: x(item.x), y: y(item.y) };
      if (t.sx === t.sy) {
        text.size = at(item.size * t.sx);
        if (item.w !== undefined) text.w = at(item.w * t.sx);
      } else if (t.sx !== 1) {
        text.w = at((item.w ?? naturalTextWidth(item)) * t.sx);
      }
      const sizeOk = text.size >= LIMITS.minFontSize && text.size <= LIMITS.maxFontSize;
      const wOk = text.w === undefined || (text.w >= LIMITS.minTextWidth && text.w <= LIMITS.maxCoordinate);
      return sizeOk && wOk && inRange([text.x, text.y]) ? text : null;
    }
  }
}

/** Every item scaled, or null when any of them would leave the limits (then none is). */
export function scaleItems(items: readonly Item[], t: Scale): Item[] | null {
  const out: Item[] = [];
  for (const item of items) {
    const scaled = scaleItem(item, t);
    if (!scaled) return null;
    out.push(scaled);
  }
  return out;
}

/** The item's geometry, exactly (what a `reshape` would put back). */
export function geometryOf(item: Item): Geometry {
  switch (item.kind) {
    case "stroke":
      return { itemId: item.id, points: item.points };
    case "shape":
      return { itemId: item.id, x1: item.x1, y1: item.y1, x2: item.x2, y2: item.y2 };
    case "text":
      return item.w === undefined
        ? { itemId: item.id, x: item.x, y: item.y, size: item.size }
        : { itemId: item.id, x: item.x, y: item.y, size: item.size, w: item.w };
  }
}

/** A copy of the item with the geometry set; a geometry of another kind changes nothing. */
export function withGeometry(item: Item, g: Geometry): Item {
  if ("points" in g) return item.kind === "stroke" ? { ...item, points: g.points } : item;
  if ("x1" in g) return item.kind === "shape" ? { ...item, x1: g.x1, y1: g.y1, x2: g.x2, y2: g.y2 } : item;
  if (item.kind !== "text") return item;
  const { w: _old, ...rest } = item;
  return g.w === undefined ? { ...rest, x: g.x, y: g.y, size: g.size } : { ...rest, x: g.x, y: g.y, size: g.size, w: g.w };
}

/** The scale that undoes `t` (about the same origin). */
export function inverseScale(t: Scale): Scale {
  return { sx: 1 / t.sx, sy: 1 / t.sy, ox: t.ox, oy: t.oy };
}

/**
 * Whether scaling `before` by `t` and then by its inverse gives back exactly
 * `before` (true for most enlargements; a shrink loses hundredths, a clamp or a
 * newly set wrap width cannot be scaled back): if not, undo sends a `reshape`.
 */
export function scalesBackExactly(before: readonly Item[], t: Scale): boolean {
  const inverse = inverseScale(t);
  if (inverse.sx < 1 / LIMITS.maxScale || inverse.sx > LIMITS.maxScale || inverse.sy < 1 / LIMITS.maxScale || inverse.sy > LIMITS.maxScale) return false;
  const after = scaleItems(before, t);
  const back = after && scaleItems(after, inverse);
  if (!back) return false;
  return back.every((item, i) => sameGeometry(item, before[i]));
}

function sameGeometry(a: Item, b: Item): boolean {
  return JSON.stringify(geometryOf(a)) === JSON.stringify(geometryOf(b));
}

/**
 * The smallest box holding the extent's corners once scaled, exactly as
 * scaleItem moves each coordinate (positive factors and monotonic rounding keep
 * the extremes the extremes), or null when it would leave ±maxCoordinate.
 */
export function scaledExtent(e: { minX: number; minY: number; maxX: number; maxY: number }, t: Scale) {
  const r = {
    minX: at(t.ox + (e.minX - t.ox) * t.sx),
    minY: at(t.oy + (e.minY - t.oy) * t.sy),
    maxX: at(t.ox + (e.maxX - t.ox) * t.sx),
    maxY: at(t.oy + (e.maxY - t.oy) * t.sy),
  };
  return inRange([r.minX, r.minY, r.maxX, r.maxY]) ? r : null;
}

function inRange(values: readonly number[]): boolean {
  const max = LIMITS.maxCoordinate;
  for (const v of values) if (!(v >= -max && v <= max)) return false;
  return true;
}
