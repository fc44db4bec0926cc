/**
 * The wheel navigates as in Figma, Excalidraw and tldraw: a mouse wheel or a
 * two-finger trackpad scroll pans (both axes; Shift+wheel pans sideways), and
 * Ctrl/Cmd+wheel or a trackpad pinch (which browsers report as a wheel with Ctrl
 * held) zooms around the pointer. Only this person's view changes.
 */
import type { Viewport } from "../canvas/viewport.js";

/** Pixels per wheel "line" (Firefox reports mouse wheels in lines). */
const LINE_PX = 16;
/** A mouse-wheel notch (about 100 px) zooms 10 %: ln(1.1) of log-zoom per 100 px. */
const NOTCH_PX = 100;
const NOTCH_LOG_ZOOM = Math.log(1.1);
/**
 * Chromium turns a pinch's scale s into a wheel delta of about -100·ln(s), so a delta of
 * d px is a scale of e^(-d/100): small deltas (a pinch's many small events) follow the fingers
 * exactly. Up to this delta that rate applies; a bigger event is a notch: 10 % per 100 px.
 */
const PINCH_LOG_ZOOM_PER_PX = 1 / 100;
const PINCH_MAX_PX = NOTCH_LOG_ZOOM / PINCH_LOG_ZOOM_PER_PX;

/**
 * The zoom factor for a Ctrl/Cmd+wheel delta (in CSS pixels, positive = away from the user = out).
 * Continuous and monotonic: pinch rate below PINCH_MAX_PX, one notch (10 %) up to 100 px,
 * then 10 % per 100 px.
 */
export function wheelZoomFactor(deltaPx: number): number {
  const size = Math.abs(deltaPx);
  const logZoom = Math.max(Math.min(size, PINCH_MAX_PX) * PINCH_LOG_ZOOM_PER_PX, (size / NOTCH_PX) * NOTCH_LOG_ZOOM);
  return Math.exp(-Math.sign(deltaPx) * logZoom);
}

/** A wheel event's deltas in CSS pixels, whatever unit the browser reported them in. */
export function wheelPixels(e: Pick<WheelEvent, "deltaX" | "deltaY" | "deltaMode" | "shiftKey">, pageHeight: number): { x: number; y: number } {
  const unit = e.deltaMode === 1 ? LINE_PX : e.deltaMode === 2 ? pageHeight : 1;
  let x = e.deltaX * unit;
  let y = e.deltaY * unit;
  // Shift+wheel scrolls sideways; some browsers already swap the axes, others leave it to the page.
  if (e.shiftKey && x === 0) [x, y] = [y, 0];
  return { x, y };
}

export function installWheelNavigation(el: HTMLElement, viewport: Viewport): void {
  el.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      if (e.ctrlKey || e.metaKey) {
        const px = e.deltaMode === 1 ? e.deltaY * LINE_PX : e.deltaMode === 2 ? e.deltaY * r.height : e.deltaY;
        viewport.zoomAt(e.clientX - r.left, e.clientY - r.top, viewport.zoom * wheelZoomFactor(px));
        return;
      }
      const d = wheelPixels(e, r.height);
      // Scrolling down shows what is below: the board moves up under the view.
      viewport.panBy(-d.x, -d.y);
    },
    { passive: false },
  );
}
