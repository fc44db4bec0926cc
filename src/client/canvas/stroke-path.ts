/** Live ink on the canvas, traced with the shared smooth path. */
import { traceSmooth } from "../../shared/smooth-path.js";

export { traceSmooth, type PathSink } from "../../shared/smooth-path.js";

/** Strokes or dots `points` on `ctx` with the given style (used for live ink). */
export function drawInk(
  ctx: CanvasRenderingContext2D,
  points: ArrayLike<number>,
  color: string,
  width: number,
  count = points.length >> 1,
): void {
  if (count === 0) return;
  ctx.beginPath();
  if (count === 1) {
    ctx.fillStyle = color;
    ctx.arc(points[0], points[1], width / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  traceSmooth(ctx, points, count);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.stroke();
}
