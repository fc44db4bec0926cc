/**
 * The mapping between board coordinates (where items live: CSS pixels at zoom 1,
 * origin at the board's top-left) and screen coordinates (CSS pixels of the view).
 *
 *   screen = (board - offset) * zoom        board = screen / zoom + offset
 */

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export class Viewport {
  offsetX = 0;
  offsetY = 0;
  zoom = 1;
  private readonly listeners = new Set<() => void>();

  toBoard(sx: number, sy: number): Point {
    return { x: sx / this.zoom + this.offsetX, y: sy / this.zoom + this.offsetY };
  }

  toScreen(bx: number, by: number): Point {
    return { x: (bx - this.offsetX) * this.zoom, y: (by - this.offsetY) * this.zoom };
  }

  /** Board-space rectangle covered by a view of the given CSS size. */
  visibleRect(width: number, height: number): Rect {
    return {
      minX: this.offsetX,
      minY: this.offsetY,
      maxX: this.offsetX + width / this.zoom,
      maxY: this.offsetY + height / this.zoom,
    };
  }

  /** Sets the context so that drawing in board coordinates lands on the right device pixels. */
  applyTo(ctx: CanvasRenderingContext2D, dpr: number): void {
    const s = dpr * this.zoom;
    ctx.setTransform(s, 0, 0, s, -this.offsetX * s, -this.offsetY * s);
  }

  set(offsetX: number, offsetY: number, zoom: number): void {
    this.offsetX = offsetX;
    this.offsetY = offsetY;
    this.zoom = zoom;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}
