/**
 * Pointer events (mouse, touch, pen) on the board, converted to board coordinates
 * and handed to the active tool. One pointer draws at a time; the canvas captures
 * it so a stroke continues when it leaves the window.
 */
import type { Point, Viewport } from "../canvas/viewport.js";
import type { Tool } from "../tools/tool.js";

export interface PointerInputOptions {
  tool(): Tool;
  /** May the pointer edit now (false while read-only)? */
  canEdit(): boolean;
  /** Where the pointer is, for presence (null: it left the board). */
  cursor(p: Point | null): void;
}

export class PointerInput {
  private active: number | null = null;
  private activeTool: Tool | null = null;
  private rect: DOMRect;

  constructor(
    private readonly el: HTMLElement,
    private readonly viewport: Viewport,
    private readonly opts: PointerInputOptions,
  ) {
    this.rect = el.getBoundingClientRect();
    el.addEventListener("pointerdown", this.onDown);
    el.addEventListener("pointermove", this.onMove);
    el.addEventListener("pointerup", this.onUp);
    el.addEventListener("pointercancel", this.onCancel);
    el.addEventListener("lostpointercapture", this.onCancel);
    el.addEventListener("pointerleave", this.onLeave);
    el.addEventListener("contextmenu", (e) => e.preventDefault());
  }

  /** The element moved or resized. */
  measure(): void {
    this.rect = this.el.getBoundingClientRect();
  }

  get drawing(): boolean {
    return this.active !== null;
  }

  /** Ends the current gesture (e.g. the tool is being switched). */
  interrupt(): void {
    if (this.active === null) return;
    const id = this.active;
    this.active = null;
    this.activeTool?.cancel();
    this.activeTool = null;
    if (this.el.hasPointerCapture(id)) this.el.releasePointerCapture(id);
  }

  private toBoard(e: PointerEvent): Point {
    return this.viewport.toBoard(e.clientX - this.rect.left, e.clientY - this.rect.top);
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (this.active !== null || !e.isPrimary) return;
    if (e.pointerType === "mouse" && e.button !== 0) return;
    if (!this.opts.canEdit()) return;
    e.preventDefault();
    this.measure();
    this.el.setPointerCapture(e.pointerId);
    this.active = e.pointerId;
    this.activeTool = this.opts.tool();
    const p = this.toBoard(e);
    this.opts.cursor(p);
    this.activeTool.down(p);
  };

  private readonly onMove = (e: PointerEvent): void => {
    if (this.active === null) {
      if (!e.isPrimary) return;
      const p = this.toBoard(e);
      this.opts.cursor(p);
      this.opts.tool().hover?.(p);
      return;
    }
    if (e.pointerId !== this.active) return;
    const samples = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    const points = (samples.length ? samples : [e]).map((s) => this.toBoard(s));
    this.opts.cursor(points[points.length - 1]);
    this.activeTool?.move(points);
  };

  private readonly onUp = (e: PointerEvent): void => {
    if (e.pointerId !== this.active) return;
    this.active = null;
    const tool = this.activeTool;
    this.activeTool = null;
    tool?.up(this.toBoard(e));
  };

  private readonly onCancel = (e: PointerEvent): void => {
    if (e.pointerId !== this.active) return;
    this.interrupt();
  };

  private readonly onLeave = (e: PointerEvent): void => {
    if (this.active !== null || !e.isPrimary) return;
    this.opts.cursor(null);
    this.opts.tool().hover?.(null);
  };
}
