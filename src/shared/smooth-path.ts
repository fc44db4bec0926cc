/**
 * Smooth ink: a quadratic curve through the midpoints of consecutive samples, so
 * the line passes near every sample without the corners of a polyline. Shared by
 * the canvas and the SVG export, so both draw the same curve.
 */

export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
}

/** Traces `points` (flat x,y pairs, at least two points) as one smooth open path. */
export function traceSmooth(sink: PathSink, points: ArrayLike<number>, count = points.length >> 1): void {
  if (count < 2) return;
  sink.moveTo(points[0], points[1]);
  if (count === 2) {
    sink.lineTo(points[2], points[3]);
    return;
  }
  for (let i = 1; i < count - 1; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    const mx = (x + points[2 * i + 2]) / 2;
    const my = (y + points[2 * i + 3]) / 2;
    sink.quadraticCurveTo(x, y, mx, my);
  }
  sink.lineTo(points[2 * count - 2], points[2 * count - 1]);
}
