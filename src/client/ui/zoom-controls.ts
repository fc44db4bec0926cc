/** The view panel: zoom out, the zoom level (click: reset view), zoom in, fit to content. */
import type { Viewport } from "../canvas/viewport.js";
import { byId } from "./dom.js";

export interface ZoomActions {
  zoomBy(factor: number): void;
  reset(): void;
  fit(): void;
}

export function installZoomControls(viewport: Viewport, actions: ZoomActions, step: number): void {
  const level = byId<HTMLButtonElement>("zoom-reset");
  byId("zoom-out").addEventListener("click", () => actions.zoomBy(1 / step));
  byId("zoom-in").addEventListener("click", () => actions.zoomBy(step));
  byId("zoom-fit").addEventListener("click", () => actions.fit());
  level.addEventListener("click", () => actions.reset());
  const show = (): void => {
    const percent = `${Math.round(viewport.zoom * 100)}%`;
    level.textContent = percent;
    level.setAttribute("aria-label", `Zoom ${percent}: reset view`);
  };
  viewport.onChange(show);
  show();
}
