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

export type { Rect } from "../../shared/item-layout.js";
import type { Rect } from "../../shared/item-layout.js";

/** Zoom limits (10 %–800 %) and the factor of one zoom-in step. */
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 8;
export const ZOOM_STEP = 1.25;

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
    if (offsetX === this.offsetX && offsetY === this.offsetY && zoom === this.zoom) return;
    this.offsetX = offsetX;
    this.offsetY = offsetY;
    this.zoom = zoom;
    for (const l of this.listeners) l();
  }

  /** Moves the view by a screen distance (the board follows the pointer). */
  panBy(dsx: number, dsy: number): void {
    this.set(this.offsetX - dsx / this.zoom, this.offsetY - dsy / this.zoom, this.zoom);
  }

  /** Zooms keeping the board point under the screen point (sx, sy) where it is. */
  zoomAt(sx: number, sy: number, zoom: number): void {
    const z = clampZoom(zoom);
    const anchor = this.toBoard(sx, sy);
    this.set(anchor.x - sx / z, anchor.y - sy / z, z);
  }

  /** The default view, the same for everyone: board origin at the top-left, zoom 100 %. */
  reset(): void {
    this.set(0, 0, 1);
  }

  /** Shows all of `content` in a view of the given CSS size, centred, never above 100 %. */
  fit(content: Rect, width: number, height: number, margin = 48): void {
    const w = Math.max(1, content.maxX - content.minX);
    const h = Math.max(1, content.maxY - content.minY);
    const z = clampZoom(Math.min(1, Math.max(width / 2, width - 2 * margin) / w, Math.max(height / 2, height - 2 * margin) / h));
    const cx = (content.minX + content.maxX) / 2;
    const cy = (content.minY + content.maxY) / 2;
    this.set(cx - width / 2 / z, cy - height / 2 / z, z);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}

export function clampZoom(z: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Number.isFinite(z) ? z : 1));
}
