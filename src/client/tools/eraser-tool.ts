/**
 * Removes whole items under the pointer. Each hit is removed at once (peers see it
 * go while you drag); the whole drag is one undo step.
 */
import type { Gesture } from "../board/board-editor.js";
import { itemHit } from "../board/item-geometry.js";
import type { Point } from "../canvas/viewport.js";
import type { Tool, ToolHost } from "./tool.js";

/** Eraser radius in screen pixels (constant on screen whatever the zoom). */
const RADIUS_PX = 10;

export class EraserTool implements Tool {
  readonly id = "eraser" as const;
  readonly cursor = "none";
  readonly edits = true;
  private gesture: Gesture | null = null;
  private last: Point | null = null;
  private ring: Point | null = null;

  constructor(private readonly host: ToolHost) {}

  down(p: Point): void {
    this.gesture = this.host.editor.gesture();
    this.last = p;
    this.eraseAt(p);
    this.hover(p);
  }

  move(points: readonly Point[]): void {
    if (!this.gesture) return;
    const r = this.radius();
    for (const p of points) {
      // Fast drags jump: sweep the segment so thin strokes in between are not skipped.
      const from = this.last ?? p;
      const steps = Math.max(1, Math.ceil(Math.hypot(p.x - from.x, p.y - from.y) / r));
      for (let i = 1; i <= steps; i++) {
        this.eraseAt({ x: from.x + ((p.x - from.x) * i) / steps, y: from.y + ((p.y - from.y) * i) / steps });
      }
      this.last = p;
    }
    this.hover(points[points.length - 1] ?? null);
  }

  up(p: Point): void {
    this.move([p]);
    this.cancel();
  }

  cancel(): void {
    this.gesture?.end();
    this.gesture = null;
    this.last = null;
  }

  hover(p: Point | null): void {
    this.ring = p;
    this.host.requestFrame();
  }

  drawLive(ctx: CanvasRenderingContext2D): void {
    if (!this.ring) return;
    const zoom = this.host.viewport.zoom;
    ctx.beginPath();
    ctx.arc(this.ring.x, this.ring.y, this.radius(), 0, Math.PI * 2);
    ctx.fillStyle = "rgba(255, 255, 255, 0.6)";
    ctx.fill();
    ctx.lineWidth = 1.5 / zoom;
    ctx.strokeStyle = "rgba(30, 30, 36, 0.55)";
    ctx.stroke();
  }

  private radius(): number {
    return RADIUS_PX / this.host.viewport.zoom;
  }

  private eraseAt(p: Point): void {
    const r = this.radius();
    const hits: string[] = [];
    for (const item of this.host.board.items()) if (itemHit(item, p.x, p.y, r)) hits.push(item.id);
    if (hits.length) this.gesture?.remove(hits);
  }
}
