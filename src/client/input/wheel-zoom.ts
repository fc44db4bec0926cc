/**
 * The wheel zooms around the pointer; so does a trackpad pinch (which browsers
 * report as a wheel with Ctrl held). Only this person's view changes.
 */
import type { Viewport } from "../canvas/viewport.js";

/** Zoom factor per pixel of wheel travel (a mouse notch is about 100 px: ×1.16). */
const PER_PIXEL = 0.0015;
/** Trackpad pinches report small deltas: they get a stronger factor. */
const PER_PIXEL_PINCH = 0.01;
const LINE_PX = 16;

export function installWheelZoom(el: HTMLElement, viewport: Viewport): void {
  el.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const px = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * LINE_PX : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? e.deltaY * 400 : e.deltaY;
      const factor = Math.exp(-px * (e.ctrlKey ? PER_PIXEL_PINCH : PER_PIXEL));
      const r = el.getBoundingClientRect();
      viewport.zoomAt(e.clientX - r.left, e.clientY - r.top, viewport.zoom * factor);
    },
    { passive: false },
  );
}
