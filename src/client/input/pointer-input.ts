/**
 * Pointer events (mouse, touch, pen) on the board, converted to board coordinates
 * and handed to the active tool. One pointer draws at a time; the canvas captures
 * it so a stroke continues when it leaves the window. Two fingers pan and pinch-
 * zoom the view instead (whatever the tool); the middle mouse button pans.
 */
import type { Point, Viewport } from "../canvas/viewport.js";
import type { Modifiers, Tool } from "../tools/tool.js";

export interface PointerInputOptions {
  tool(): Tool;
  /** The tool the middle mouse button uses (the hand). */
  panTool(): Tool;
  /** May the pointer edit now (false while read-only)? */
  canEdit(): boolean;
  /** Where the pointer is, for presence (null: it left the board). */
  cursor(p: Point | null): void;
  /** Updated from every pointer event, for tools that read Shift. */
  modifiers: Modifiers;
}

interface Pinch {
  /** Board point under the fingers' midpoint when the pinch started. */
  anchor: Point;
  distance: number;
  zoom: number;
}

export class PointerInput {
  private active: number | null = null;
  private activeTool: Tool | null = null;
  private rect: DOMRect;
  /** Touch points on the board, in screen coordinates. */
  private readonly touches = new Map<number, Point>();
  private pinch: Pinch | null = null;

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

  private screen(e: PointerEvent): Point {
    return { x: e.clientX - this.rect.left, y: e.clientY - this.rect.top };
  }

  private toBoard(e: PointerEvent): Point {
    const s = this.screen(e);
    return this.viewport.toBoard(s.x, s.y);
  }

  private readonly onDown = (e: PointerEvent): void => {
    this.opts.modifiers.shift = e.shiftKey;
    if (e.pointerType === "touch") {
      this.touches.set(e.pointerId, this.screen(e));
      if (this.touches.size === 2) {
        this.startPinch();
        return;
      }
      if (this.touches.size > 2 || this.pinch) return;
    }
    if (this.active !== null || !e.isPrimary) return;
    if (e.pointerType === "mouse" && e.button !== 0 && e.button !== 1) return;
    const tool = e.pointerType === "mouse" && e.button === 1 ? this.opts.panTool() : this.opts.tool();
    if (tool.edits && !this.opts.canEdit()) return;
    e.preventDefault();
    this.measure();
    this.el.setPointerCapture(e.pointerId);
    this.active = e.pointerId;
    this.activeTool = tool;
    const p = this.toBoard(e);
    this.opts.cursor(p);
    tool.down(p);
  };

  private readonly onMove = (e: PointerEvent): void => {
    this.opts.modifiers.shift = e.shiftKey;
    if (this.touches.has(e.pointerId)) {
      this.touches.set(e.pointerId, this.screen(e));
      if (this.pinch) {
        this.updatePinch();
        return;
      }
    }
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
    this.opts.modifiers.shift = e.shiftKey;
    if (this.endTouch(e)) return;
    if (e.pointerId !== this.active) return;
    this.active = null;
    const tool = this.activeTool;
    this.activeTool = null;
    tool?.up(this.toBoard(e));
  };

  private readonly onCancel = (e: PointerEvent): void => {
    if (this.endTouch(e)) return;
    if (e.pointerId !== this.active) return;
    this.interrupt();
  };

  private readonly onLeave = (e: PointerEvent): void => {
    if (this.active !== null || !e.isPrimary) return;
    this.opts.cursor(null);
    this.opts.tool().hover?.(null);
  };

  /** A second finger: whatever the first one started was the beginning of a pinch. */
  private startPinch(): void {
    if (this.active !== null) {
      const id = this.active;
      const tool = this.activeTool;
      this.active = null;
      this.activeTool = null;
      if (tool?.abandon) tool.abandon();
      else tool?.cancel();
      if (this.el.hasPointerCapture(id)) this.el.releasePointerCapture(id);
    }
    const [a, b] = [...this.touches.values()];
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    this.pinch = {
      anchor: this.viewport.toBoard(mid.x, mid.y),
      distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
      zoom: this.viewport.zoom,
    };
  }

  /** Keeps the board point that was under the fingers under them, scaled by their spread. */
  private updatePinch(): void {
    const pinch = this.pinch;
    if (!pinch || this.touches.size < 2) return;
    const [a, b] = [...this.touches.values()];
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    const zoom = (pinch.zoom * Math.hypot(a.x - b.x, a.y - b.y)) / pinch.distance;
    this.viewport.zoomAt(mid.x, mid.y, zoom);
    const z = this.viewport.zoom;
    this.viewport.set(pinch.anchor.x - mid.x / z, pinch.anchor.y - mid.y / z, z);
  }

  /** Forgets a lifted finger; true when it was part of a pinch (which ends with it). */
  private endTouch(e: PointerEvent): boolean {
    if (!this.touches.delete(e.pointerId)) return false;
    if (!this.pinch) return false;
    // The pinch is over once fingers lift; the remaining finger does nothing until it lifts too.
    if (this.touches.size < 2) this.pinch = this.touches.size === 0 ? null : this.pinch;
    return true;
  }
}
