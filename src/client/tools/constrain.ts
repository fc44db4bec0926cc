/** What Shift does to a shape being dragged: 45° lines, squares and circles. */
import type { Point } from "../canvas/viewport.js";

const STEP = Math.PI / 4;

/** The end point at the same distance from `from`, on the nearest multiple of 45°. */
export function snapAngle(from: Point, to: Point): Point {
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const angle = Math.round(Math.atan2(to.y - from.y, to.x - from.x) / STEP) * STEP;
  return { x: from.x + round(length * Math.cos(angle)), y: from.y + round(length * Math.sin(angle)) };
}

/** The opposite corner of the square (from `from`, towards `to`) whose side is the larger of the two extents. */
export function squareCorner(from: Point, to: Point): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const side = Math.max(Math.abs(dx), Math.abs(dy));
  return { x: from.x + (dx < 0 ? -side : side), y: from.y + (dy < 0 ? -side : side) };
}

/** Rounds away float noise (cos(90°) is 6e-17, not 0). */
function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
