/**
 * Where each kind of board item lies in board coordinates: bounds, text lines,
 * arrowheads, boxes. Shared by the canvas painters, the hit tests, the PNG and
 * SVG exports and the server's SVG route, so every rendering agrees.
 */
import { LIMITS } from "./protocol-constants.js";
import type { Item, Shape, Stroke, Text } from "./protocol.js";

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Text is drawn in this font everywhere (canvas, SVG); sizes are board pixels. */
export const TEXT_FONT_FAMILY = `"Inter", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`;
/** Line advance as a multiple of the font size. */
export const TEXT_LINE_HEIGHT = 1.25;
/**
 * Average advance of a character as a multiple of the font size. Bounds of a text
 * are estimated with it (no font metrics on the server); generous on purpose, so a
 * text's box covers its glyphs.
 */
const TEXT_CHAR_WIDTH = 0.62;

/**
 * A text's lines as drawn (canvas, PNG and SVG alike): split at "\n", and, when
 * the text has a wrap width, wrapped greedily at spaces to at most as many
 * characters as fit the width (estimated with TEXT_CHAR_WIDTH, as the server
 * can measure no glyphs); a word longer than a line is broken.
 */
export function textLines(t: Pick<Text, "text" | "size" | "w">): string[] {
  const paragraphs = t.text.split("\n");
  if (t.w === undefined) return paragraphs;
  const perLine = Math.max(1, Math.floor(t.w / (t.size * TEXT_CHAR_WIDTH)));
  return paragraphs.flatMap((p) => wrapParagraph(p, perLine));
}

function wrapParagraph(paragraph: string, perLine: number): string[] {
  const chars = Array.from(paragraph);
  const lines: string[] = [];
  let start = 0;
  while (chars.length - start > perLine) {
    // The last space that ends a line of at most perLine characters (the space itself is dropped).
    let space = -1;
    for (let i = start + perLine; i > start; i--) {
      if (chars[i] === " ") {
        space = i;
        break;
      }
    }
    const end = space === -1 ? start + perLine : space;
    lines.push(chars.slice(start, end).join(""));
    start = space === -1 ? end : end + 1;
  }
  lines.push(chars.slice(start).join(""));
  return lines;
}

/** Width of the text's longest line, unwrapped or wrapped (the estimate bounds use). */
export function naturalTextWidth(t: Pick<Text, "text" | "size" | "w">): number {
  const longest = textLines(t).reduce((n, l) => Math.max(n, Array.from(l).length), 0);
  return Math.max(1, longest) * t.size * TEXT_CHAR_WIDTH;
}

/** Characters per line past which a new text wraps (issue 13: a long text is a paragraph, not one 19,000 px line). */
export const DEFAULT_WRAP_CHARS = 60;

/** The wrap width a new text gets: none while it fits DEFAULT_WRAP_CHARS characters a line, else that width. */
export function defaultWrapWidth(t: Pick<Text, "text" | "size">): number | undefined {
  const width = DEFAULT_WRAP_CHARS * t.size * TEXT_CHAR_WIDTH;
  return naturalTextWidth(t) > width ? hundredths(width) : undefined;
}

/** A text's box: its wrap width across when it has one (so the box's edge is where its side handle was let go). */
export function textBounds(t: Text): Rect {
  const lines = textLines(t);
  const width = naturalTextWidth(t);
  return {
    minX: t.x,
    minY: t.y,
    maxX: t.x + (t.w === undefined ? width : Math.max(t.w, width)),
    maxY: t.y + lines.length * t.size * TEXT_LINE_HEIGHT,
  };
}

/** The shape's box with min ≤ max (its two points may be any two opposite corners). */
export function shapeBox(s: Pick<Shape, "x1" | "y1" | "x2" | "y2">): Rect {
  return { minX: Math.min(s.x1, s.x2), minY: Math.min(s.y1, s.y2), maxX: Math.max(s.x1, s.x2), maxY: Math.max(s.y1, s.y2) };
}

/** The two barbs of an arrow's head at (x2, y2): [leftX, leftY, rightX, rightY]. */
export function arrowHead(s: Pick<Shape, "x1" | "y1" | "x2" | "y2" | "width">): [number, number, number, number] {
  const angle = Math.atan2(s.y2 - s.y1, s.x2 - s.x1);
  const length = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
  // The head grows with the line width, but never past half the shaft.
  const size = Math.min(Math.max(12, s.width * 4), Math.max(length / 2, s.width * 2));
  const spread = Math.PI / 7;
  return [
    s.x2 - size * Math.cos(angle - spread),
    s.y2 - size * Math.sin(angle - spread),
    s.x2 - size * Math.cos(angle + spread),
    s.y2 - size * Math.sin(angle + spread),
  ];
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
  return grow({ minX, minY, maxX, maxY }, s.width / 2);
}

function shapeBounds(s: Shape): Rect {
  const box = shapeBox(s);
  if (s.shape === "arrow") {
    const [lx, ly, rx, ry] = arrowHead(s);
    box.minX = Math.min(box.minX, lx, rx);
    box.maxX = Math.max(box.maxX, lx, rx);
    box.minY = Math.min(box.minY, ly, ry);
    box.maxY = Math.max(box.maxY, ly, ry);
  }
  return grow(box, s.width / 2);
}

/** Bounds of an item including its own thickness. */
export function itemBounds(item: Item): Rect {
  switch (item.kind) {
    case "stroke":
      return strokeBounds(item);
    case "shape":
      return shapeBounds(item);
    case "text":
      return textBounds(item);
  }
}

/** Grows `u` (in place) to hold `b`. */
export function growToInclude(u: Rect, b: Rect): void {
  u.minX = Math.min(u.minX, b.minX);
  u.minY = Math.min(u.minY, b.minY);
  u.maxX = Math.max(u.maxX, b.maxX);
  u.maxY = Math.max(u.maxY, b.maxY);
}

/** Union of the items' bounds, or null for none. */
export function unionBounds(items: readonly Item[], boundsOf: (item: Item) => Rect = itemBounds): Rect | null {
  if (items.length === 0) return null;
  const u: Rect = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const item of items) growToInclude(u, boundsOf(item));
  return u;
}

/**
 * A copy of the item moved by (dx, dy); the original is left as it was. Results are
 * rounded to hundredths of a board pixel (as the client samples them), so moving
 * there and back again lands exactly where it started on every client.
 */
export function translateItem(item: Item, dx: number, dy: number): Item {
  switch (item.kind) {
    case "stroke":
      return { ...item, points: item.points.map((v, i) => hundredths(v + (i % 2 === 0 ? dx : dy))) };
    case "shape":
      return { ...item, x1: hundredths(item.x1 + dx), y1: hundredths(item.y1 + dy), x2: hundredths(item.x2 + dx), y2: hundredths(item.y2 + dy) };
    case "text":
      return { ...item, x: hundredths(item.x + dx), y: hundredths(item.y + dy) };
  }
}

/**
 * The smallest box holding an item's coordinates (its points, its two corners, its
 * anchor), without thickness or glyphs: what must stay within ±LIMITS.maxCoordinate.
 */
export function coordinateExtent(item: Item): Rect {
  switch (item.kind) {
    case "stroke": {
      const p = item.points;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let i = 0; i < p.length; i += 2) {
        if (p[i] < minX) minX = p[i];
        if (p[i] > maxX) maxX = p[i];
        if (p[i + 1] < minY) minY = p[i + 1];
        if (p[i + 1] > maxY) maxY = p[i + 1];
      }
      return { minX, minY, maxX, maxY };
    }
    case "shape":
      return shapeBox(item);
    case "text":
      return { minX: item.x, minY: item.y, maxX: item.x, maxY: item.y };
  }
}

/**
 * The extent after a move by (dx, dy), exactly as translateItem moves each
 * coordinate (rounding is monotonic, so the extremes stay the extremes), or null
 * when some coordinate would leave ±LIMITS.maxCoordinate.
 */
export function movedExtent(e: Rect, dx: number, dy: number): Rect | null {
  const moved = { minX: hundredths(e.minX + dx), minY: hundredths(e.minY + dy), maxX: hundredths(e.maxX + dx), maxY: hundredths(e.maxY + dy) };
  const max = LIMITS.maxCoordinate;
  return moved.minX >= -max && moved.minY >= -max && moved.maxX <= max && moved.maxY <= max ? moved : null;
}

/** Rounded to hundredths of a board pixel, as the client samples (every rounding of board coordinates). */
export function hundredths(v: number): number {
  // `+ 0` turns -0 (rounding a tiny negative) into 0: JSON has no -0, so a board folded
  // from stored JSON (a snapshot) and one folded from the ops would otherwise differ.
  return Math.round(v * 100) / 100 + 0;
}

function grow(r: Rect, by: number): Rect {
  return { minX: r.minX - by, minY: r.minY - by, maxX: r.maxX + by, maxY: r.maxY + by };
}
