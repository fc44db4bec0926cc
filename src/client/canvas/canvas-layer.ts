/** One full-view canvas kept at device-pixel resolution (sharp on HiDPI screens). */
import type { Viewport } from "./viewport.js";

export class CanvasLayer {
  readonly ctx: CanvasRenderingContext2D;
  width = 0;
  height = 0;
  dpr = 1;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("2D canvas is not available");
    this.ctx = ctx;
  }

  /** Resizes the backing store; the caller redraws (content is in board space, so nothing distorts). */
  resize(cssWidth: number, cssHeight: number, dpr: number): void {
    this.width = cssWidth;
    this.height = cssHeight;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(cssWidth * dpr));
    this.canvas.height = Math.max(1, Math.round(cssHeight * dpr));
    this.canvas.style.width = `${cssWidth}px`;
    this.canvas.style.height = `${cssHeight}px`;
  }

  clear(): void {
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Prepares the context for drawing in board coordinates. */
  enterBoardSpace(viewport: Viewport): CanvasRenderingContext2D {
    viewport.applyTo(this.ctx, this.dpr);
    return this.ctx;
  }
}
