/**
 * Straight line, arrow, rectangle and ellipse: press at one end (or corner), drag
 * to the other, release to commit one `add`. Shift gives 45° lines, squares and
 * circles. Others see the shape while it is dragged (a live `shape` preview).
 */
import type { Shape } from "../../shared/protocol.js";
import { paintShape } from "../canvas/item-painters.js";
import type { Point } from "../canvas/viewport.js";
import { randomId } from "../../shared/ids.js";
import { quantize } from "./board-coordinates.js";
import { snapAngle, squareCorner } from "./constrain.js";
import type { ShapeToolId, Tool, ToolHost } from "./tool.js";

/** A press that moved less than this (screen pixels) is a click, not a shape. */
const MIN_DRAG_PX = 3;

export class ShapeTool implements Tool {
  readonly cursor = "crosshair";
  readonly edits = true;
  private from: Point | null = null;
  private to: Point | null = null;
  /** Id of the shape being dragged: the preview and the committed item are the same shape. */
  private itemId = "";

  constructor(
    readonly id: ShapeToolId,
    private readonly host: ToolHost,
  ) {}

  down(p: Point): void {
    this.itemId = randomId(16);
    this.from = p;
    this.to = p;
    this.host.requestFrame();
  }

  move(points: readonly Point[]): void {
    if (!this.from || points.length === 0) return;
    this.to = points[points.length - 1];
    const item = this.preview();
    if (item) this.host.sendPreview({ kind: "shape", item });
    this.host.requestFrame();
  }

  up(p: Point): void {
    if (!this.from) return;
    this.to = p;
    const shape = this.preview();
    this.from = this.to = null;
    this.host.requestFrame();
    // Peers also drop it when its `add` arrives, whichever comes first.
    this.host.sendPreview({ kind: "clear", of: "shape" });
    if (!shape) return;
    const tooSmall = Math.hypot(shape.x2 - shape.x1, shape.y2 - shape.y1) * this.host.viewport.zoom < MIN_DRAG_PX;
    if (tooSmall) return;
    const g = this.host.editor.gesture();
    g.add(shape);
    g.end();
  }

  cancel(): void {
    if (this.from) this.up(this.to ?? this.from);
  }

  abandon(): void {
    this.from = this.to = null;
    this.host.sendPreview({ kind: "clear", of: "shape" });
    this.host.requestFrame();
  }

  drawLive(ctx: CanvasRenderingContext2D): void {
    const shape = this.preview();
    if (shape) paintShape(ctx, shape);
  }

  /** The shape as it would be committed now. */
  private preview(): Shape | null {
    if (!this.from || !this.to) return null;
    const from = this.from;
    let to = this.to;
    if (this.host.modifiers.shift) to = this.id === "line" || this.id === "arrow" ? snapAngle(from, to) : squareCorner(from, to);
    const { color, width, fill } = this.host.style;
    const filled = fill !== "none" && (this.id === "rect" || this.id === "ellipse");
    return {
      kind: "shape",
      id: this.itemId,
      shape: this.id,
      color,
      width,
      x1: quantize(from.x),
      y1: quantize(from.y),
      x2: quantize(to.x),
      y2: quantize(to.y),
      ...(filled ? { fill } : {}),
    };
  }
}
