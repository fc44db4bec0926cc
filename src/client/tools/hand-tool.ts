/** Drags the view: the board point under the pointer stays under it. Changes nobody's board, or anyone else's view. */
import type { Point, Viewport } from "../canvas/viewport.js";
import type { Tool } from "./tool.js";

export class HandTool implements Tool {
  readonly id = "hand" as const;
  readonly cursor = "grab";
  readonly edits = false;
  private grip: Point | null = null;

  constructor(private readonly viewport: Viewport) {}

  get dragging(): boolean {
    return this.grip !== null;
  }

  down(p: Point): void {
    this.grip = p;
  }

  move(points: readonly Point[]): void {
    const p = points[points.length - 1];
    if (!this.grip || !p) return;
    // p was computed with the current offset: shifting by grip - p puts the grip back under the pointer.
    const v = this.viewport;
    v.set(v.offsetX + this.grip.x - p.x, v.offsetY + this.grip.y - p.y, v.zoom);
  }

  up(p: Point): void {
    this.move([p]);
    this.grip = null;
  }

  cancel(): void {
    this.grip = null;
  }
}
